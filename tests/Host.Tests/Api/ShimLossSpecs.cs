using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// A container's berth-shim killed with -9: the container's processes die with it, the run ends with 137 as dockerd
/// reports a container whose shim was killed, and the container starts again (or comes back by its restart policy).
/// </summary>
public sealed class ShimLossSpecs : ContainerSpecs
{
    private readonly string _name = "shimloss-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Killing_the_shim_kills_the_container_reports_137_and_the_container_starts_again()
    {
        await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        var id = await Out("inspect", "-f", "{{.Id}}", _name);
        var pid = int.Parse(await Out("inspect", "-f", "{{.State.Pid}}", _name));

        Kill9(ShimOf(id));

        await Until(async () => await Out("inspect", "-f", "{{.State.Running}}", _name) == "false");
        Assert.Equal("137", await Out("inspect", "-f", "{{.State.ExitCode}}", _name));
        await Until(() => Task.FromResult(IsGone(pid)));

        await Ok("start", _name);
        Assert.Equal("true", await Out("inspect", "-f", "{{.State.Running}}", _name));
        Assert.Equal("still here", await Out("exec", _name, "echo", "still here"));
    }

    [Fact]
    public async Task With_a_restart_policy_the_container_comes_back_after_its_shim_is_killed()
    {
        await Ok("run", "-d", "--name", _name, "--restart", "always", "busybox", "sleep", "1000");
        var id = await Out("inspect", "-f", "{{.Id}}", _name);
        var pid = int.Parse(await Out("inspect", "-f", "{{.State.Pid}}", _name));

        Kill9(ShimOf(id));

        await Until(async () => await Out("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", _name) == "1 running");
        Assert.True(IsGone(pid), $"the first run's process {pid} outlived its shim");
        Assert.Equal("back", await Out("exec", _name, "echo", "back"));
    }

    /// <summary>The berth-shim serving this container: its command line names the container's id.</summary>
    private static int ShimOf(string id)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            var args = cmdline.Split('\0');
            if (args.Length > 0 && Path.GetFileName(args[0]) == "berth-shim" && args.Contains(id)) return pid;
        }
        throw new InvalidOperationException($"no berth-shim serves {id}");
    }

    private static void Kill9(int pid) => Assert.Equal(0, Native.Kill(pid, 9));

    /// <summary>Gone, or a zombie waiting for its reaper: either way it runs no more.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var state = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
            return state.Contains('Z') || state.Contains('X');
        }
        catch (IOException) { return true; }
    }

    private async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met within 30 s\nberthd:\n{Daemon.Log}");
            await Task.Delay(100);
        }
    }

    private async Task<string> Out(params string[] args) => (await Ok(args)).Trim();

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
