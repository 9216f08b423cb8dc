using System.Globalization;
using System.Text.Json;
using Berth.Shim.Logging;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>
/// One extra process run inside the container (docker exec): registered with its stdio first so attach
/// clients miss nothing, then started with `runtime exec --detach`, reaped by the shim (its subreaper) and
/// remembered with its exit code for as long as the shim lives, so a restarted daemon can still ask.
/// </summary>
internal sealed class ExecProcess
{
    /// <summary>Same bound as the container's: output held open by a stray background process stops counting.</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ConsoleWait = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ExecPaths _paths;
    private string _status = ShimStatus.Created;
    private int _pid;

    public ExecProcess(string execId, JsonElement process, bool stdin, ExecPaths paths)
    {
        ExecId = execId;
        Process = process.Clone();
        _paths = paths;
        Terminal = process.TryGetProperty("terminal", out var t) && t.ValueKind == JsonValueKind.True;
        Io = ContainerIo.Create(Terminal, stdin);
        Hub = new OutputHub(null); // docker keeps exec output out of the container log
    }

    public string ExecId { get; }
    public JsonElement Process { get; }
    public bool Terminal { get; }
    public ContainerIo Io { get; }
    public OutputHub Hub { get; }
    public Task<ExitStatus> Exited => _exited.Task;

    /// <summary>`runtime exec --detach`; null once the process runs, else the runtime's message (also recorded as the exit).</summary>
    public async Task<string?> Start(RuntimeCli runtime, Reaper reaper, string containerId)
    {
        lock (_gate)
        {
            if (_status != ShimStatus.Created)
                return _status == ShimStatus.Running ? $"exec {ExecId} is already running" : $"exec {ExecId} has already run";
            _status = ShimStatus.Running;
        }
        SocketServer? console = null;
        using var consoleCancel = new CancellationTokenSource();
        try
        {
            File.WriteAllText(_paths.ProcessFile, Process.GetRawText());
            if (File.Exists(_paths.PidFile)) File.Delete(_paths.PidFile);
            console = Terminal ? new SocketServer(_paths.ConsoleSocket) : null;
            var master = console != null ? ReceiveMaster(console, consoleCancel.Token) : null;
            var args = new List<string> { "exec", "--process", _paths.ProcessFile, "--pid-file", _paths.PidFile, "--detach" };
            if (console != null) args.AddRange(["--console-socket", _paths.ConsoleSocket]);
            args.Add(containerId);
            await runtime.Run(args, Io.RuntimeStdio);
            if (master != null) Io.UseMaster(await master.WaitAsync(ConsoleWait));
        }
        catch (Exception e) when (e is RuntimeFailure or IOException or TimeoutException or UnauthorizedAccessException)
        {
            consoleCancel.Cancel();
            var message = e is TimeoutException ? "the runtime started the exec but sent no terminal over the console socket" : e.Message;
            Io.CloseChildEnds();
            Hub.End();
            Finish(new ExitStatus(RuntimeErrors.ExitCodeFor(message), null, Rfc3339.Now(), false, message));
            return message;
        }
        finally
        {
            Io.CloseChildEnds();
            console?.Dispose();
        }
        var pid = int.Parse(File.ReadAllText(_paths.PidFile).Trim(), CultureInfo.InvariantCulture);
        lock (_gate) _pid = pid;
        Io.StartReaders(Hub);
        _ = Watch(reaper.WaitFor(pid));
        return null;
    }

    private static async Task<int> ReceiveMaster(SocketServer console, CancellationToken ct)
    {
        using var conn = await console.AcceptOne(ct);
        return Berth.Runtime.Native.Terminal.ReceiveFd((int)conn.Handle, "exec console socket");
    }

    private async Task Watch(Task<ChildExit> exit)
    {
        try
        {
            var child = await exit;
            await Task.WhenAny(Io.Drained, Task.Delay(DrainAfterExit));
            Hub.End();
            Finish(new ExitStatus(child.ExitCode, child.Signal, Rfc3339.Now(), false));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"berth-shim: recording the exit of exec {ExecId} failed: {e}");
            _exited.TrySetException(e);
        }
    }

    private void Finish(ExitStatus status)
    {
        lock (_gate) _status = ShimStatus.Stopped;
        Io.CloseStdin();
        TryDelete(_paths.ProcessFile);
        TryDelete(_paths.PidFile);
        _exited.TrySetResult(status);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
    }

    public ExecState State()
    {
        lock (_gate)
            return new ExecState(ExecId, _pid, _status, Terminal, Process, _exited.Task.IsCompletedSuccessfully ? _exited.Task.Result : null);
    }
}

/// <summary>An exec's files in the state directory; the console socket name is short for sun_path's 108 bytes.</summary>
internal sealed record ExecPaths(string StateDir, string ExecId)
{
    public string ProcessFile => Path.Combine(StateDir, $"exec-{ExecId}.json");
    public string PidFile => Path.Combine(StateDir, $"exec-{ExecId}.pid");
    public string ConsoleSocket => Path.Combine(StateDir, $"ex-{ExecId[..Math.Min(12, ExecId.Length)]}.sock");
}
