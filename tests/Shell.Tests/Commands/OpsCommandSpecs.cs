using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>berth top, stats, update and container prune against a real berthd, side by side with the real docker CLI.</summary>
public sealed class OpsCommandSpecs : DaemonSpecs
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var r = await Berth("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox:latest");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var id in (await Berth("ps", "-aq")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await Berth("rm", "-f", id);
        await base.DisposeAsync();
    }

    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

    private async Task<string> Ok(params string[] args)
    {
        var r = await Berth(args);
        Assert.True(r.ExitCode == 0, $"berth {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    private async Task<string> Docker(params string[] args)
    {
        var r = await Run.Docker(Daemon.Host, args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    [Fact]
    public async Task Top_prints_the_same_table_as_docker_top()
    {
        await Ok("run", "-d", "--name", "topped", "busybox", "sleep", "1000");
        Assert.Equal(await Docker("top", "topped", "-o", "pid,comm,args"), await Ok("top", "topped", "-o", "pid,comm,args"));
        var table = await Ok("top", "topped");
        Assert.StartsWith("UID ", table);
        Assert.Contains("sleep 1000", table);
    }

    [Fact]
    public async Task Stats_no_stream_shows_each_running_container_once_with_real_numbers()
    {
        await Ok("run", "-d", "--name", "one", "busybox", "sleep", "1000");
        await Ok("run", "-d", "--name", "two", "busybox", "sh", "-c", "sleep 1000 & sleep 1000");
        const string format = "{{.ID}} {{.Name}} {{.PIDs}} {{.NetIO}}";
        var berth = (await Ok("stats", "--no-stream", "--format", format)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        var docker = (await Docker("stats", "--no-stream", "--format", format)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(docker, berth);

        var table = (await Ok("stats", "--no-stream", "two")).Split('\n');
        Assert.Matches(@"^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+NET I/O\s+BLOCK I/O\s+PIDS$", table[0]);
        Assert.Matches(@"^[0-9a-f]{12}\s+two\s+\d+\.\d\d%\s+[1-9][0-9.]*[KMG]iB / [0-9.]+[KMGT]iB\s+\d+\.\d\d%\s+0B / 0B\s+\S+ / \S+\s+[1-9]\d*$", table[1]);
        Assert.Matches("^[0-9a-f]{64}$", (await Ok("stats", "--no-stream", "--no-trunc", "--format", "{{.ID}}", "two")).Trim());
    }

    [Fact]
    public async Task Stats_streams_until_the_container_is_removed()
    {
        await Ok("run", "-d", "--name", "watched", "busybox", "sleep", "1000");
        var stats = Berth("stats", "--format", "{{.Name}} {{.PIDs}}", "watched");
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        await Ok("rm", "-f", "watched");
        var r = await stats;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("watched 1\n", r.Stdout);
    }

    [Fact]
    public async Task Update_changes_the_pids_limit_of_the_running_container()
    {
        var id = (await Ok("run", "-d", "--name", "limited", "busybox", "sleep", "1000")).Trim();
        Assert.Equal("limited\n", await Ok("update", "--pids-limit", "33", "limited"));
        var file = new[] { $"/sys/fs/cgroup/pids/berth/{id}/pids.max", $"/sys/fs/cgroup/berth/{id}/pids.max" }.First(File.Exists);
        Assert.Equal("33", File.ReadAllText(file).Trim());

        var none = await Berth("update", "limited");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("you must provide one or more flags when using this command", none.Stderr);
        var tooSmall = await Berth("update", "-m", "1m", "limited");
        Assert.Equal(1, tooSmall.ExitCode);
        Assert.Contains("Error response from daemon: Minimum memory limit allowed is 6MB", tooSmall.Stderr);
    }

    [Fact]
    public async Task Container_prune_prints_what_docker_prints_and_keeps_running_containers()
    {
        await Ok("run", "-d", "--name", "running", "busybox", "sleep", "1000");
        var first = (await Ok("create", "--label", "x=1", "busybox", "true")).Trim();
        var second = (await Ok("create", "--label", "x=1", "busybox", "true")).Trim();

        await Ok("create", "--label", "x=2", "busybox", "true");

        var output = await Ok("container", "prune", "-f", "--filter", "label=x=1");
        Assert.StartsWith("Deleted Containers:\n", output);
        Assert.EndsWith("\n\nTotal reclaimed space: 0B\n", output);
        Assert.Equal(new[] { first, second }.Order(), output.Split('\n')[1..3].Order());
        Assert.Equal(await Docker("container", "prune", "-f", "--filter", "label=x=1"), await Ok("container", "prune", "-f", "--filter", "label=x=1"));
        await Ok("container", "prune", "-f");
        Assert.Equal("Total reclaimed space: 0B\n", await Docker("container", "prune", "-f"));
        Assert.Equal("running\n", await Ok("ps", "-a", "--format", "{{.Names}}"));
    }

    [Fact]
    public async Task Ps_size_and_filters_print_what_docker_prints()
    {
        await Ok("run", "--name", "wrote", "--label", "k=v", "busybox", "sh", "-c", "echo data > /f");
        await Ok("run", "-d", "--name", "paused", "busybox", "sleep", "1000");
        await Ok("pause", "paused");
        foreach (var args in new[]
        {
            new[] { "ps", "-a", "-s", "--format", "{{.Names}} {{.Size}}" },
            ["ps", "-a", "--filter", "status=paused", "--format", "{{.Names}} {{.State}}"],
            ["ps", "-a", "--filter", "label=k=v", "--filter", "exited=0", "--format", "{{.Names}}"],
            ["ps", "-a", "--filter", "since=wrote", "-q"],
        })
            Assert.Equal(await Docker(args), await Ok(args));
        Assert.Equal("paused paused\n", await Ok("ps", "--filter", "status=paused", "--format", "{{.Names}} {{.State}}"));
    }
}
