using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>berth's container verbs against a real berthd running real containers on berth-runtime.</summary>
public sealed class ContainerCommandSpecs : DaemonSpecs
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var r = await Berth("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox:latest");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

    [Fact]
    public async Task Run_prints_the_output_and_exits_with_the_containers_code()
    {
        var hi = await Berth("run", "--rm", "busybox", "echo", "hi");
        Assert.True(hi.ExitCode == 0, hi.ToString());
        Assert.Equal("hi\n", hi.Stdout);
        var three = await Berth("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, three.ExitCode);
        Assert.Equal("out\n", three.Stdout);
        Assert.Equal("err\n", three.Stderr);
    }

    [Fact]
    public async Task Run_rm_of_a_missing_executable_exits_127_and_leaves_nothing()
    {
        var r = await Berth("run", "--rm", "busybox", "nosuchcmd");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("executable file not found", r.Stderr);
        Assert.Equal("", (await Berth("ps", "-a", "-q")).Stdout);
    }

    [Fact]
    public async Task Run_interactive_feeds_stdin_to_the_container()
    {
        var r = await Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, "run", "-i", "--rm", "busybox", "cat"], stdin: "through stdin\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("through stdin\n", r.Stdout);
    }

    [Fact]
    public async Task A_detached_container_is_listed_logged_stopped_and_removed()
    {
        var id = (await Berth("run", "-d", "--name", "web", "busybox", "sh", "-c", "echo ready; exec sleep 1000")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        try
        {
            var ps = await Berth("ps", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.State}}");
            Assert.Equal($"{id[..12]} web busybox running\n", ps.Stdout);
            Assert.Equal((await Run.Docker(Daemon.Host, "ps", "--format", "{{.ID}} {{.Names}} {{.Command}}")).Stdout,
                (await Berth("ps", "--format", "{{.ID}} {{.Names}} {{.Command}}")).Stdout);
            for (var i = 0; i < 100 && (await Berth("logs", "web")).Stdout != "ready\n"; i++) await Task.Delay(100, TestContext.Current.CancellationToken);
            Assert.Equal("ready\n", (await Berth("logs", "web")).Stdout);
            Assert.Equal("true", (await Berth("container", "inspect", "--format", "{{.State.Running}}", "web")).Stdout.Trim());

            var rmRunning = await Berth("rm", "web");
            Assert.Equal(1, rmRunning.ExitCode);
            Assert.Contains("You cannot remove a running container", rmRunning.Stderr);

            Assert.Equal("web\n", (await Berth("stop", "-t", "1", "web")).Stdout);
            Assert.Equal("exited", (await Berth("ps", "-a", "--format", "{{.State}}")).Stdout.Trim());
        }
        finally
        {
            await Berth("rm", "-f", "web");
        }
        Assert.Equal("", (await Berth("ps", "-a", "-q")).Stdout);
    }

    [Fact]
    public async Task Wait_prints_the_exit_code()
    {
        var id = (await Berth("run", "-d", "busybox", "sh", "-c", "exit 7")).Stdout.Trim();
        var r = await Berth("wait", id);
        Assert.Equal("7\n", r.Stdout);
        await Berth("rm", id);
    }

    [Fact]
    public async Task Missing_containers_are_reported_per_name()
    {
        var r = await Berth("stop", "nosuch");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("No such container: nosuch", r.Stderr);
        var inspect = await Berth("inspect", "nosuch");
        Assert.Equal(1, inspect.ExitCode);
        Assert.Equal("[]\n", inspect.Stdout);
        Assert.Contains("Error: No such object: nosuch", inspect.Stderr);
    }

    [Fact]
    public async Task Inspect_falls_back_from_containers_to_images()
    {
        var r = await Berth("inspect", "--format", "{{.Os}}", "busybox");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("linux\n", r.Stdout);
    }
}
