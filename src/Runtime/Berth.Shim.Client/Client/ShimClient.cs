using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Client;

/// <summary>A control request the shim refused; <see cref="Exception.Message"/> is the shim's reason.</summary>
public sealed class ShimException(string message) : Exception(message);

/// <summary>
/// The daemon's handle on one berth-shim: control requests over &lt;state&gt;/shim.sock (connect again
/// after a daemon restart) and attach connections over &lt;state&gt;/attach.sock.
/// </summary>
public sealed class ShimClient : IAsyncDisposable
{
    private readonly ShimPaths _paths;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private ShimClient(ShimPaths paths, Socket socket)
    {
        _paths = paths;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public string StateDir => _paths.StateDir;

    /// <summary>Connects to the shim whose state directory is <paramref name="stateDir"/>.</summary>
    public static async Task<ShimClient> ConnectAsync(string stateDir, CancellationToken ct = default)
    {
        var paths = new ShimPaths(stateDir);
        return new ShimClient(paths, await Connect(paths.ControlSocket, ct));
    }

    /// <summary>Sends one request and returns the shim's response as it is (Ok or not).</summary>
    public async Task<ShimResponse> SendAsync(ShimRequest request, CancellationToken ct = default)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(request, ShimJson.Default.ShimRequest);
            await _stream.WriteAsync(bytes, ct);
            await _stream.WriteAsync("\n"u8.ToArray(), ct);
            var line = await _reader.ReadLineAsync(ct)
                       ?? throw new IOException($"berth-shim closed {_paths.ControlSocket} without answering \"{request.Op}\"");
            return JsonSerializer.Deserialize(line, ShimJson.Default.ShimResponse)
                   ?? throw new IOException($"berth-shim sent an empty response to \"{request.Op}\"");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Runs `runtime start` in a shim started with --wait-for-start.</summary>
    public Task StartAsync(CancellationToken ct = default) => Expect(new ShimRequest(ShimOps.Start), ct);

    /// <summary>Sets the pty's window size (TIOCSWINSZ); fails for a container without a terminal.</summary>
    public Task ResizeAsync(int rows, int cols, CancellationToken ct = default) =>
        Expect(new ShimRequest(ShimOps.Resize, Rows: rows, Cols: cols), ct);

    /// <summary>Signals the container's init, or all its processes (`runtime kill --all`).</summary>
    public Task KillAsync(int signal, bool all = false, CancellationToken ct = default) =>
        Expect(new ShimRequest(ShimOps.Kill, Signal: signal, All: all), ct);

    public async Task<ShimState> StateAsync(CancellationToken ct = default) =>
        (await Expect(new ShimRequest(ShimOps.State), ct)).State ?? throw new IOException("berth-shim sent no state");

    /// <summary>The container sees EOF on its stdin.</summary>
    public Task CloseStdinAsync(CancellationToken ct = default) => Expect(new ShimRequest(ShimOps.CloseStdin), ct);

    /// <summary>Blocks until the container has exited; uses its own connection so other requests go on meanwhile.</summary>
    public async Task<ExitStatus> WaitAsync(CancellationToken ct = default)
    {
        await using var waiter = await ConnectAsync(_paths.StateDir, ct);
        return (await waiter.Expect(new ShimRequest(ShimOps.Wait), ct)).Exit ?? throw new IOException("berth-shim sent no exit status");
    }

    /// <summary>After exit (or with force: SIGKILL first) deletes the container and ends the shim.</summary>
    public Task ShutdownAsync(bool force = false, CancellationToken ct = default) =>
        Expect(new ShimRequest(ShimOps.Shutdown, Force: force), ct);

    /// <summary>Registers an exec: its stdio exists from now on (attach with <see cref="AttachHeader.ExecId"/>), nothing runs yet.</summary>
    /// <param name="process">The OCI process object (args, env, cwd, user, terminal, capabilities…), passed to `runtime exec --process`.</param>
    public Task RegisterExecAsync(string execId, System.Text.Json.JsonElement process, bool stdin, CancellationToken ct = default) =>
        Expect(new ShimRequest(ShimOps.Exec, ExecId: execId, Process: process, Stdin: stdin), ct);

    /// <summary>Runs `runtime exec --detach`; throws <see cref="ShimException"/> with the runtime's message when the process could not start.</summary>
    public async Task<ExecState> StartExecAsync(string execId, CancellationToken ct = default) =>
        (await Expect(new ShimRequest(ShimOps.ExecStart, ExecId: execId), ct)).Exec ?? throw new IOException("berth-shim sent no exec state");

    /// <summary>Blocks until the exec has exited (or failed to start); on its own connection.</summary>
    public async Task<ExitStatus> WaitExecAsync(string execId, CancellationToken ct = default)
    {
        await using var waiter = await ConnectAsync(_paths.StateDir, ct);
        return (await waiter.Expect(new ShimRequest(ShimOps.ExecWait, ExecId: execId), ct)).Exit ?? throw new IOException("berth-shim sent no exit status");
    }

    /// <summary>TIOCSWINSZ on the exec's pty.</summary>
    public Task ResizeExecAsync(string execId, int rows, int cols, CancellationToken ct = default) =>
        Expect(new ShimRequest(ShimOps.ExecResize, Rows: rows, Cols: cols, ExecId: execId), ct);

    public async Task<ExecState> ExecStateAsync(string execId, CancellationToken ct = default) =>
        (await Expect(new ShimRequest(ShimOps.ExecState, ExecId: execId), ct)).Exec ?? throw new IOException("berth-shim sent no exec state");

    /// <summary>Every exec this shim knows (running or ended): what a restarted daemon rebuilds its records from.</summary>
    public async Task<IReadOnlyList<ExecState>> ListExecsAsync(CancellationToken ct = default) =>
        (await Expect(new ShimRequest(ShimOps.ExecList), ct)).Execs ?? [];

    /// <summary>
    /// Runs a health probe in the container (<paramref name="process"/> is the OCI process, passed to `runtime exec`) and
    /// answers once it ended or the shim killed it at <paramref name="timeout"/>. It holds this connection meanwhile
    /// (up to the timeout): give it a client of its own.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(JsonElement process, TimeSpan timeout, CancellationToken ct = default)
    {
        var request = new ShimRequest(ShimOps.Probe, Process: process, TimeoutMs: (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue));
        return (await Expect(request, ct)).Probe ?? throw new IOException("berth-shim sent no probe result");
    }

    /// <summary>Opens an attach connection: output frames from now on, stdin if asked.</summary>
    public Task<ShimAttachment> AttachAsync(AttachHeader header, CancellationToken ct = default) =>
        ShimAttachment.OpenAsync(_paths.AttachSocket, header, ct);

    private async Task<ShimResponse> Expect(ShimRequest request, CancellationToken ct)
    {
        var response = await SendAsync(request, ct);
        return response.Ok ? response : throw new ShimException(response.Error ?? $"berth-shim refused \"{request.Op}\"");
    }

    internal static async Task<Socket> Connect(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"connect({path}): {e.SocketErrorCode}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _oneAtATime.Dispose();
    }
}
