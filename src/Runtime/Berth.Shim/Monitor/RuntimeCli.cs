using System.Text.Json;
using Berth.Runtime.Native;

namespace Berth.Shim.Monitor;

/// <summary>A runtime command that failed, with the runtime's own message.</summary>
internal sealed class RuntimeFailure(string message) : Exception(message);

/// <summary>Drives an OCI runtime through runc's command-line contract.</summary>
internal sealed class RuntimeCli(string runtime, string? root, string logFile, Reaper reaper)
{
    public string Path { get; } = Resolve(runtime);

    /// <summary>
    /// Runs `runtime [--root R] --log L --log-format json args…` with the given stdio and dockerd's umask (0022: runc
    /// creates mount points and exec'd processes with the mask it inherits); throws <see cref="RuntimeFailure"/> on a non-zero exit.
    /// Cancelling <paramref name="ct"/> kills the runtime (SIGKILL) and throws <see cref="OperationCanceledException"/> once it is reaped.
    /// </summary>
    public async Task Run(IReadOnlyList<string> args, ChildStdio stdio, CancellationToken ct = default)
    {
        var argv = new List<string> { Path };
        if (root != null) argv.AddRange(["--root", root]);
        argv.AddRange(["--log", logFile, "--log-format", "json"]);
        argv.AddRange(args);
        var logStart = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
        var pid = Spawner.Spawn(Path, argv, stdio, umask: Umask.Container);
        reaper.ChildSpawned();
        var exited = reaper.WaitFor(pid);
        ChildExit exit;
        // Until the reaper reports it, the pid is (but for an instant) still our unreaped child: no recycled pid gets the signal.
        using (ct.Register(() => { if (!exited.IsCompleted) Sys.kill(pid, 9); }))
            exit = await exited;
        ct.ThrowIfCancellationRequested();
        if (exit.Code == 0) return;
        var message = LastError(logFile, logStart)
                      ?? $"{System.IO.Path.GetFileName(Path)} {args[0]} failed with exit code {exit.ExitCode}";
        throw new RuntimeFailure(message);
    }

    /// <summary>The last error message the runtime logged since <paramref name="from"/> (its JSON log lines: level, msg, time).</summary>
    private static string? LastError(string logFile, long from)
    {
        if (!File.Exists(logFile)) return null;
        using var f = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        f.Seek(Math.Min(from, f.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(f);
        string? last = null, lastAny = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("msg", out var msg) || msg.GetString() is not { } text) continue;
                lastAny = text;
                if (doc.RootElement.TryGetProperty("level", out var level) && level.GetString() is "error" or "fatal")
                    last = text;
            }
            catch (JsonException)
            {
                lastAny = line.Trim();
            }
        }
        return last ?? lastAny;
    }

    private static string Resolve(string runtime)
    {
        if (runtime.Contains('/')) return System.IO.Path.GetFullPath(runtime);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            var candidate = System.IO.Path.Combine(dir, runtime);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"OCI runtime \"{runtime}\" not found in PATH", runtime);
    }
}
