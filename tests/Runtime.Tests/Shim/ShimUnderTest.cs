using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shim.Client;
using Berth.Shim.Logging;
using Berth.Shim.Protocol;
using Berth.TestSupport;

namespace Berth.Runtime.Tests.Shim;

/// <summary>
/// One container under a real berth-shim and runc, in a private temporary directory (bundle, runc
/// root, shim state, log). Disposal shuts the shim down, or kills it by PID and deletes the container.
/// </summary>
public sealed class ShimUnderTest : IAsyncDisposable
{
    /// <summary>Guards against hangs only; no test asserts on time.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public string Root { get; }
    public string Id { get; }
    public ShimArguments Arguments { get; private set; }
    public string LogPath => Path.Combine(Root, "container.log");
    public string RuntimeRoot => Path.Combine(Root, "runtime-root");
    public CancellationToken Timeout { get; } = new CancellationTokenSource(HangGuard).Token;

    private ShimUnderTest(string root, string id, ShimArguments arguments)
    {
        Root = root;
        Id = id;
        Arguments = arguments;
    }

    public static string ShimBinary => Repo.Binary("berth-shim");

    /// <summary>The OCI runtime under the shim: runc unless BERTH_SHIM_TEST_RUNTIME names another (crun, berth-runtime).</summary>
    public static string Runtime { get; } = Environment.GetEnvironmentVariable("BERTH_SHIM_TEST_RUNTIME") is { Length: > 0 } r ? r : "runc";

    /// <summary>Prepares the bundle and the arguments; nothing runs yet.</summary>
    public static ShimUnderTest Prepare(string[] args, bool terminal = false, bool stdin = false, bool stdinOnce = false,
        bool waitForStart = true, LogRotation? rotation = null, Action<JsonObject>? edit = null)
    {
        var id = "berth-shimtest-" + Guid.NewGuid().ToString("N")[..10];
        var root = Path.Combine(Path.GetTempPath(), id);
        Directory.CreateDirectory(root);
        var bundle = BusyboxBundle.Create(Path.Combine(root, "bundle"), args, terminal, edit);
        var arguments = new ShimArguments(id, bundle.Dir, Path.Combine(root, "state"), Runtime, Path.Combine(root, "runtime-root"),
            Path.Combine(root, "container.log"), rotation, null, stdin, stdinOnce, waitForStart);
        return new ShimUnderTest(root, id, arguments);
    }

    public static async Task<ShimUnderTest> Launch(string[] args, bool terminal = false, bool stdin = false, bool stdinOnce = false,
        bool waitForStart = true, LogRotation? rotation = null)
    {
        var shim = Prepare(args, terminal, stdin, stdinOnce, waitForStart, rotation);
        try
        {
            await ShimLauncher.LaunchAsync(ShimBinary, shim.Arguments, shim.Timeout);
            return shim;
        }
        catch
        {
            await shim.DisposeAsync();
            throw;
        }
    }

    /// <summary>A container running `sleep 300`, started: what execs and probes run in.</summary>
    public static async Task<ShimUnderTest> RunningSleeper()
    {
        var shim = await Launch(["sleep", "300"]);
        await shim.Start();
        return shim;
    }

    /// <summary>An OCI process for `runtime exec`: root, a PATH, cwd "/".</summary>
    public static JsonElement Process(string[] args, bool terminal = false) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["terminal"] = terminal,
            ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
            ["args"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray()),
            ["env"] = new JsonArray("PATH=/bin:/usr/bin", "TERM=xterm"),
            ["cwd"] = "/",
        });

    public Task<ShimClient> Connect() => ShimClient.ConnectAsync(Arguments.StateDir, Timeout);

    public async Task<ShimAttachment> Attach(bool stdin = false, bool stdout = true, bool stderr = true)
    {
        await using var client = await Connect();
        return await client.AttachAsync(new AttachHeader(stdin, stdout, stderr), Timeout);
    }

    public async Task Start()
    {
        await using var client = await Connect();
        await client.StartAsync(Timeout);
    }

    public async Task<ExitStatus> Wait()
    {
        await using var client = await Connect();
        return await client.WaitAsync(Timeout);
    }

    /// <summary>Reads the exit file once the shim has written it (polled; nobody is connected meanwhile).</summary>
    public async Task<ExitStatus> ExitFileWhenWritten()
    {
        var path = Arguments.ExitFilePath;
        while (!File.Exists(path)) await Task.Delay(50, Timeout);
        return JsonSerializer.Deserialize(File.ReadAllText(path), ShimJson.Default.ExitStatus)!;
    }

    /// <summary>The json-file log entries, oldest file first.</summary>
    public IReadOnlyList<JsonObject> LogEntries(string? path = null) =>
        File.ReadAllLines(path ?? LogPath).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>All output until the shim closes the attach stream.</summary>
    public async Task<List<AttachChunk>> ReadToEnd(ShimAttachment attachment)
    {
        var chunks = new List<AttachChunk>();
        while (await attachment.ReadAsync(Timeout) is { } chunk) chunks.Add(chunk);
        return chunks;
    }

    /// <summary>Reads until the text of <paramref name="stream"/> contains <paramref name="expected"/>; returns that text.</summary>
    public async Task<string> ReadUntil(ShimAttachment attachment, string expected, AttachStream stream = AttachStream.Stdout)
    {
        var text = new StringBuilder();
        while (!text.ToString().Contains(expected))
        {
            var chunk = await attachment.ReadAsync(Timeout)
                        ?? throw new InvalidOperationException($"stream ended before \"{expected}\"; got \"{text}\"");
            if (chunk.Stream == stream) text.Append(Encoding.UTF8.GetString(chunk.Data));
        }
        return text.ToString();
    }

    public static string Text(IEnumerable<AttachChunk> chunks, AttachStream stream) =>
        Encoding.UTF8.GetString(chunks.Where(c => c.Stream == stream).SelectMany(c => c.Data).ToArray());

    public int? ShimPid()
    {
        var file = Arguments.Paths.ShimPidFile;
        return File.Exists(file) ? int.Parse(File.ReadAllText(file)) : null;
    }

    public async ValueTask DisposeAsync()
    {
        var shutDown = false;
        if (File.Exists(Arguments.Paths.ControlSocket))
        {
            try
            {
                using var cts = new CancellationTokenSource(HangGuard);
                await using var client = await ShimClient.ConnectAsync(Arguments.StateDir, cts.Token);
                await client.ShutdownAsync(force: true, cts.Token);
                shutDown = true;
            }
            catch (Exception)
            {
                // fall through to the hard way
            }
        }
        if (!shutDown && ShimPid() is { } pid && IsShim(pid))
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        }
        if (Directory.Exists(Path.Combine(RuntimeRoot, Id)))
        {
            using var delete = System.Diagnostics.Process.Start(new ProcessStartInfo(Runtime, ["--root", RuntimeRoot, "delete", "--force", Id])
                { RedirectStandardError = true })!;
            await delete.WaitForExitAsync();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private static bool IsShim(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("berth-shim");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
