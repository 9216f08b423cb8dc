using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>
/// One health probe (docker's HEALTHCHECK): `runtime exec --detach` of the process the daemon sent, stdout and stderr
/// into one buffer that keeps the first <see cref="ProbeResult.MaxOutput"/> bytes, the exit code once the shim (its
/// subreaper) reaps it, and SIGKILL when it outlives its timeout. It runs here, not in berthd, so the daemon never forks.
/// </summary>
internal static class HealthProbeRun
{
    public static async Task<ProbeResult> Run(RuntimeCli runtime, Reaper reaper, string containerId, string stateDir,
        JsonElement process, TimeSpan timeout)
    {
        var paths = new ExecPaths(stateDir, "probe-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        var io = ContainerIo.Create(terminal: false, stdin: false);
        var output = new CappedOutput();
        using var deadline = new CancellationTokenSource(timeout);
        var pidfd = -1;
        try
        {
            File.WriteAllText(paths.ProcessFile, process.GetRawText());
            try
            {
                await runtime.Run(["exec", "--process", paths.ProcessFile, "--pid-file", paths.PidFile, "--detach", containerId],
                    io.RuntimeStdio, deadline.Token);
            }
            finally
            {
                io.CloseChildEnds();   // the probe holds the write ends now; EOF comes when it (and its children) are done
            }
            io.StartReaders(output);
            var pid = int.Parse(File.ReadAllText(paths.PidFile).Trim(), CultureInfo.InvariantCulture);
            var exit = reaper.WaitFor(pid);
            pidfd = Processes.TryOpenPidfd(pid);
            try
            {
                await Task.WhenAll(exit, io.Drained).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                if (pidfd >= 0 && !exit.IsCompleted) Processes.Signal(pidfd, 9);
                return new ProbeResult(-1, output.Text, TimedOut: true);
            }
            return new ProbeResult((await exit).ExitCode, output.Text, TimedOut: false);
        }
        catch (OperationCanceledException)
        {
            // The runtime itself outlived the timeout (and was killed); a probe it started meanwhile goes too.
            KillStarted(paths.PidFile);
            return new ProbeResult(-1, output.Text, TimedOut: true);
        }
        catch (RuntimeFailure e)
        {
            return new ProbeResult(-1, e.Message, TimedOut: false);   // docker: the exec's error is the probe's output
        }
        finally
        {
            Fd.Close(pidfd);
            TryDelete(paths.ProcessFile);
            TryDelete(paths.PidFile);
        }
    }

    private static void KillStarted(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)) return;
        var pidfd = Processes.TryOpenPidfd(pid);
        if (pidfd < 0) return;
        try { Processes.Signal(pidfd, 9); }
        finally { Fd.Close(pidfd); }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
    }

    /// <summary>stdout and stderr in the order they arrive, up to <see cref="ProbeResult.MaxOutput"/> bytes (docker keeps the start).</summary>
    private sealed class CappedOutput : IOutputSink
    {
        private readonly byte[] _bytes = new byte[ProbeResult.MaxOutput];
        private int _length;

        public string Text
        {
            get { lock (_bytes) return Encoding.UTF8.GetString(_bytes, 0, _length); }
        }

        public void Publish(AttachStream stream, ReadOnlySpan<byte> data)
        {
            lock (_bytes)
            {
                var n = Math.Min(data.Length, _bytes.Length - _length);
                data[..n].CopyTo(_bytes.AsSpan(_length));
                _length += n;
            }
        }

        public void StreamEnded(AttachStream stream) { }
    }
}
