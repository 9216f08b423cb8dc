using System.Diagnostics;
using System.Text;

namespace Berth.TestSupport;

/// <summary>A real berthd (out/berthd) on a private socket, data root and exec root; stopped with SIGTERM on dispose.</summary>
public sealed class Berthd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TempDir? _ownedDir;

    public string Socket { get; }
    public string Host => "unix://" + Socket;
    public string DataRoot { get; }
    public string ExecRoot { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }
    public int Pid => _process.Id;

    private Berthd(Process process, string socket, string dataRoot, string execRoot, TempDir? owned)
    {
        _process = process; Socket = socket; DataRoot = dataRoot; ExecRoot = execRoot; _ownedDir = owned;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts berthd in <paramref name="dir"/> (or a new temp dir) and waits until _ping answers.</summary>
    public static Task<Berthd> Start(TempDir? dir = null, params string[] extraArgs) => Start(dir, new Dictionary<string, string>(), extraArgs);

    /// <summary>As <see cref="Start(TempDir?, string[])"/>, with more environment variables (a crash point, say).</summary>
    public static async Task<Berthd> Start(TempDir? dir, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var owned = dir == null ? new TempDir("berth-test-d") : null;
        var root = (dir ?? owned)!;
        var socket = root.Combine("berth.sock");
        var dataRoot = root.Combine("data");
        var execRoot = root.Combine("exec");
        var psi = new ProcessStartInfo(Repo.Binary("berthd"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        foreach (var a in new[] { "-H", "unix://" + socket, "--data-root", dataRoot, "--exec-root", execRoot }.Concat(extraArgs))
            psi.ArgumentList.Add(a);
        var d = new Berthd(Process.Start(psi)!, socket, dataRoot, execRoot, owned);
        await d.WaitUntilReady();
        return d;
    }

    /// <summary>berthd logs "listening on" only after every listener is bound, so that line is the readiness signal.</summary>
    private async Task WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (Log.Contains(" listening on ")) return;
            if (_process.HasExited) throw new InvalidOperationException($"berthd exited with {_process.ExitCode}:\n{Log}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"berthd did not start listening on {Socket}:\n{Log}");
    }

    /// <summary>Waits until berthd has exited on its own (a crash point).</summary>
    public Task Exited() => _process.WaitForExitAsync();

    /// <summary>Kills berthd with SIGKILL (to test what survives a crash) and waits for it.</summary>
    public async Task Crash()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait; returns berthd's exit code.</summary>
    public async Task<int> Stop()
    {
        if (_process.HasExited) return _process.ExitCode;
        Native.Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        _process.Dispose();
        _ownedDir?.Dispose();
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
