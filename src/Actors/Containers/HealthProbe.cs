using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers;

/// <summary>
/// Runs one health probe inside a running container by invoking its OCI runtime directly
/// (<c>runtime --root R exec --process P --pid-file F id</c>), with stdout and stderr captured together and a timeout.
/// </summary>
public static class HealthProbe
{
    public static async Task<HealthProbeResult> RunAsync(string runtime, ContainerPaths paths, HealthCheck check)
    {
        var start = DateTimeOffset.UtcNow;
        var stem = Path.Combine(paths.Dir, "health-" + Guid.NewGuid().ToString("N")[..12]);
        var processFile = stem + ".json";
        var pidFile = stem + ".pid";
        try
        {
            ExactMode.WriteFile(processFile, ProcessJson(paths.ConfigJson, check.Probe), ExactMode.File0600);
            var psi = new ProcessStartInfo(runtime)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "--root", paths.RuntimeRoot, "exec", "--process", processFile, "--pid-file", pidFile, paths.Id })
                psi.ArgumentList.Add(a);
            // dockerd's umask, not berthd's: runc's exec leaves the probe the mask it inherited.
            using var process = Umask.OnOwnThread(Umask.Container, () => Process.Start(psi)) ?? throw new IOException($"could not start {runtime}");
            process.StandardInput.Close();
            var output = new CappedOutput();
            var stdout = output.Drain(process.StandardOutput);
            var stderr = output.Drain(process.StandardError);
            using var timeout = new CancellationTokenSource(check.Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                await Task.WhenAll(stdout, stderr);
                return new HealthProbeResult(start, DateTimeOffset.UtcNow, process.ExitCode, output.Text);
            }
            catch (OperationCanceledException)
            {
                KillProbe(pidFile, process);
                return new HealthProbeResult(start, DateTimeOffset.UtcNow, -1, $"Health check exceeded timeout ({Go(check.Timeout)})");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException)
        {
            return new HealthProbeResult(start, DateTimeOffset.UtcNow, -1, $"health probe could not run: {e.Message}");
        }
        finally
        {
            File.Delete(processFile);
            File.Delete(pidFile);
        }
    }

    /// <summary>The container's own process (user, env, cwd, capabilities, rlimits, OOM score) with the probe's argv and no terminal.</summary>
    private static string ProcessJson(string configJson, IReadOnlyList<string> probe)
    {
        var config = JsonNode.Parse(File.ReadAllText(configJson)) as JsonObject ?? throw new IOException($"{configJson} is not a JSON object");
        var process = config["process"]?.DeepClone() as JsonObject ?? throw new IOException($"{configJson} has no process object");
        process["args"] = new JsonArray(probe.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        process["terminal"] = false;
        process.Remove("consoleSize");
        return process.ToJsonString();
    }

    /// <summary>The probe outlived its timeout: the process inside the container goes first, then the runtime.</summary>
    private static void KillProbe(string pidFile, Process runtime)
    {
        const int esrch = 3; // the probe ended on its own meanwhile
        try
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && pid > 0 && kill(pid, 9) != 0
                && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() is var errno and not esrch)
                throw new IOException($"kill({pid}, SIGKILL) of the timed-out health probe (pid file {pidFile}): errno {errno}");
        }
        finally
        {
            try { runtime.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { } // it ended meanwhile
        }
    }

    /// <summary>Go's time.Duration text for the timeout message ("30s", "500ms").</summary>
    private static string Go(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0 ? $"{(long)t.TotalSeconds}s" : $"{t.TotalMilliseconds}ms";

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>stdout and stderr into one buffer, keeping the first <see cref="HealthState.MaxOutput"/> bytes like docker.</summary>
    private sealed class CappedOutput
    {
        private readonly MemoryStream _bytes = new();

        public string Text { get { lock (_bytes) return Encoding.UTF8.GetString(_bytes.ToArray()); } }

        public async Task Drain(StreamReader reader)
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await reader.BaseStream.ReadAsync(buffer)) > 0)
                lock (_bytes)
                {
                    var room = HealthState.MaxOutput - (int)_bytes.Length;
                    if (room > 0) _bytes.Write(buffer, 0, Math.Min(room, n));
                }
        }
    }
}
