using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// berthd killed between "the shim started the container's process" and "the start is in the journal" (a crash point):
/// after a restart the container is found and either adopted or cleanly ended, never invisible or unmanageable.
/// </summary>
public sealed class StartCrashSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("berth-test-crash");
    private readonly string _name = "crash-" + Guid.NewGuid().ToString("N")[..8];
    private Berthd _daemon = null!;

    public async ValueTask InitializeAsync()
    {
        _daemon = await Berthd.Start(_dir, new Dictionary<string, string> { ["BERTH_TEST_CRASH_AFTER_SHIM_START"] = "1" });
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
    }

    public async ValueTask DisposeAsync()
    {
        await Run.Docker(_daemon.Host, "rm", "-f", _name);
        await _daemon.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_container_whose_start_was_not_recorded_is_found_after_a_restart_then_starts_and_is_removed_without_leftovers()
    {
        var run = await Run.Docker(_daemon.Host, "run", "-d", "--name", _name, "busybox", "sleep", "1000");
        Assert.True(run.ExitCode != 0, $"berthd should have died under docker run: {run}");
        await _daemon.Exited();
        await _daemon.DisposeAsync();
        _daemon = await Berthd.Start(_dir);

        var id = await Ok("inspect", "-f", "{{.Id}}", _name);
        Assert.Contains(_name, await Ok("ps", "-a", "--format", "{{.Names}}"));
        var state = await Ok("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}", _name);
        if (state.StartsWith("running ")) Assert.NotEmpty(ProcessesOf(id)); // adopted
        else
        {
            Assert.Matches(@"^exited \d+ 0$", state);       // or ended, and said so: nothing of it runs on
            Assert.Empty(ProcessesOf(id));
        }

        await Ok("start", _name);
        Assert.Equal("running", await Ok("inspect", "-f", "{{.State.Status}}", _name));
        Assert.Contains(_name, await Ok("ps", "--format", "{{.Names}}"));

        await Ok("rm", "-f", _name);
        Assert.Empty(ProcessesOf(id));
        Assert.False(CgroupExists(id), $"the cgroup of {id} is left behind");
    }

    /// <summary>Host pids of the container's shim (its command line names the container) and of every process in its cgroup.</summary>
    private static List<int> ProcessesOf(string id)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var cgroup = File.ReadAllText(Path.Combine(dir, "cgroup"));
                if ((cmdline.Contains("berth-shim") && cmdline.Contains(id)) || cgroup.Contains("/berth/" + id)) pids.Add(pid);
            }
            catch (IOException) { } // the process ended while we looked
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    private static bool CgroupExists(string id) => File.Exists("/sys/fs/cgroup/cgroup.controllers")
        ? Directory.Exists($"/sys/fs/cgroup/berth/{id}")
        : Directory.Exists($"/sys/fs/cgroup/memory/berth/{id}") || Directory.Exists($"/sys/fs/cgroup/pids/berth/{id}");

    private async Task<string> Ok(params string[] args)
    {
        var r = await Run.Docker(_daemon.Host, args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\nberthd:\n{_daemon.Log}");
        return r.Stdout.Trim();
    }
}
