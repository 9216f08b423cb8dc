using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Berth.TestSupport;

/// <summary>
/// A dockerd (Debian's docker.io) of the test's own: its own socket, data root, exec root and pid file, no iptables,
/// no bridge. Used as the anchor for interoperability tests. Stopped by PID (SIGTERM, then SIGKILL) and cleaned up on
/// dispose, including its managed containerd.
/// </summary>
public sealed partial class PrivateDockerd : IDisposable
{
    private readonly Process _process;

    private PrivateDockerd(string root, Process process)
    {
        Root = root;
        _process = process;
    }

    public string Root { get; }
    public string Socket => Path.Combine(Root, "docker.sock");
    public string Host => "unix://" + Socket;
    public int Pid => _process.Id;

    /// <summary>The docker CLI to drive it (Debian's 20.10 client, matching the daemon).</summary>
    public static string Cli => File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "/usr/local/bin/docker";

    public static PrivateDockerd Start()
    {
        if (!File.Exists("/usr/sbin/dockerd")) throw new InvalidOperationException("dockerd is missing: install docker.io (scripts/deps.sh berth_test_packages)");
        var root = Path.Combine("/tmp", "berth-dockerd-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "daemon.json"), "{}");
        var psi = new ProcessStartInfo("/usr/sbin/dockerd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "-H", "unix://" + Path.Combine(root, "docker.sock"), "--data-root", Path.Combine(root, "data"),
            "--exec-root", Path.Combine(root, "exec"), "--pidfile", Path.Combine(root, "docker.pid"),
            "--config-file", Path.Combine(root, "daemon.json"), "--iptables=false", "--ip-masq=false", "--ip-forward=false",
            "--bridge=none", "--storage-driver=overlay2", "--userland-proxy=false",
        }) psi.ArgumentList.Add(arg);
        var process = Process.Start(psi)!;
        var log = Path.Combine(root, "dockerd.log");
        _ = Pump(process.StandardOutput, log);
        _ = Pump(process.StandardError, log);
        var daemon = new PrivateDockerd(root, process);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"dockerd exited with {process.ExitCode}: {SafeRead(log)}");
                if (File.Exists(daemon.Socket) && daemon.TryRun(out _, "version")) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"dockerd did not answer on {daemon.Socket}: {SafeRead(log)}");
                Thread.Sleep(100);
            }
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    /// <summary>Runs the docker CLI against this daemon; throws with stderr on a non-zero exit.</summary>
    public string Docker(params string[] args) =>
        TryRun(out var output, args) ? output : throw new InvalidOperationException($"docker {string.Join(' ', args)} failed: {output}");

    private bool TryRun(out string output, params string[] args)
    {
        var psi = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-H");
        psi.ArgumentList.Add(Host);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOCKER_CONFIG"] = Path.Combine(Root, "client");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        output = p.ExitCode == 0 ? stdout.Result : stderr + stdout.Result;
        return p.ExitCode == 0;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                kill(_process.Id, 15);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) { _process.Kill(); _process.WaitForExit(); }
            }
            // dockerd's managed containerd normally exits with it; if it did not, end it by its own pid file.
            var containerdPid = Path.Combine(Root, "exec", "containerd", "containerd.pid");
            if (File.Exists(containerdPid) && int.TryParse(File.ReadAllText(containerdPid).Trim(), out var pid) && IsContainerdUnder(pid))
                kill(pid, 9);
        }
        finally
        {
            foreach (var mount in File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1])
                         .Where(m => m.StartsWith(Root, StringComparison.Ordinal)).OrderByDescending(m => m.Length))
                umount2(mount, 2);
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
            _process.Dispose();
        }
    }

    private bool IsContainerdUnder(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains(Root, StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    private static async Task Pump(StreamReader reader, string path)
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) != null)
            lock (reader.BaseStream) { try { File.AppendAllText(path, line + "\n"); } catch (IOException) { } }
    }

    private static string SafeRead(string path) { try { return File.ReadAllText(path); } catch (IOException) { return ""; } }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);
}
