using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>`berth exec` against a real berthd: output, exit codes, options, stdin, detach, a terminal.</summary>
public sealed class ExecCommandSpecs : DaemonSpecs
{
    private readonly string _name = "bexec-" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var r = await Berth("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox:latest");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await Berth("rm", "-f", _name);
        await base.DisposeAsync();
    }

    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

    private async Task RunSleeper()
    {
        var r = await Berth("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public async Task Exec_prints_both_streams_and_exits_with_the_exec_code()
    {
        await RunSleeper();

        var r = await Berth("exec", _name, "sh", "-c", "echo out; echo err >&2; exit 3");
        var container = await Berth("container", "exec", _name, "echo", "via container exec");

        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
        Assert.Equal("via container exec\n", container.Stdout);
    }

    [Fact]
    public async Task Exec_options_set_env_workdir_and_user_and_the_commands_own_flags_pass_through()
    {
        await RunSleeper();

        var r = await Berth("exec", "-e", "A=1", "-w", "/tmp", "-u", "nobody", _name, "sh", "-c", "echo $A $(pwd) $(id -u)");
        var flags = await Berth("exec", _name, "ls", "-d", "/tmp");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("1 /tmp 65534\n", r.Stdout);
        Assert.Equal("/tmp\n", flags.Stdout);
    }

    [Fact]
    public async Task Exec_interactive_feeds_stdin_and_detached_exec_runs_in_the_background()
    {
        await RunSleeper();

        var piped = await Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, "exec", "-i", _name, "sh", "-c", "cat > /tmp/in; cat /tmp/in"], stdin: "through stdin\n");
        var detached = await Berth("exec", "-d", _name, "sh", "-c", "cat /tmp/in > /tmp/copy");
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Run.Result copy;
        while ((copy = await Berth("exec", _name, "cat", "/tmp/copy")).ExitCode != 0) await Task.Delay(50, hangGuard.Token);

        Assert.Equal("through stdin\n", piped.Stdout);
        Assert.Equal(0, detached.ExitCode);
        Assert.Equal("", detached.Stdout);
        Assert.Equal("through stdin\n", copy.Stdout);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_fails_with_the_daemons_conflict_and_a_missing_binary_exits_127()
    {
        await RunSleeper();
        var missing = await Berth("exec", _name, "nosuchcmd");
        Assert.Equal(0, (await Berth("kill", _name)).ExitCode);

        var stopped = await Berth("exec", _name, "true");

        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("executable file not found", missing.Stdout + missing.Stderr);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("is not running", stopped.Stderr);
    }

    [Fact]
    public async Task Exec_it_gives_the_command_a_terminal()
    {
        await RunSleeper();

        // script(1) runs berth on a pseudo-terminal of its own, like a user's shell would.
        var r = await Run.Program("/usr/bin/script", ["-qec", $"{Repo.Binary("berth")} -H {Daemon.Host} exec -it {_name} sh -c 'tty; exit 4'", "/dev/null"]);

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("/dev/pts/", r.Stdout);
    }
}
