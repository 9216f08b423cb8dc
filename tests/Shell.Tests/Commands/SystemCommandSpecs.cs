using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>berth version / info / up, run as a real process against a real berthd.</summary>
public sealed class SystemCommandSpecs : IAsyncLifetime
{
    private Berthd _d = null!;

    public async ValueTask InitializeAsync() => _d = await Berthd.Start();
    public async ValueTask DisposeAsync() => await _d.DisposeAsync();

    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", _d.Host, .. args]);

    [Fact]
    public async Task Version_prints_the_client_and_the_server_like_docker()
    {
        var r = await Berth("version");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Client:\n Version:           0.1.0\n API version:       1.41\n", r.Stdout);
        Assert.Contains("Server: berth\n Engine:\n  Version:          0.1.0\n  API version:      1.41 (minimum version 1.24)\n", r.Stdout);
    }

    [Fact]
    public async Task Info_prints_what_docker_info_prints_for_the_same_daemon()
    {
        var ours = await Berth("info");
        var theirs = await Run.Docker(_d.Host, "info");
        Assert.True(ours.ExitCode == 0, ours.ToString());
        string[] facts = ["Kernel Version:", "Operating System:", "CPUs:", "Total Memory:", "Cgroup Version:", "Storage Driver:", "Default Runtime:", "Docker Root Dir:"];
        foreach (var label in facts)
        {
            var line = theirs.Stdout.Split('\n').First(l => l.TrimStart().StartsWith(label)).Trim();
            Assert.Contains(line, ours.Stdout);
        }
    }

    [Fact]
    public async Task Host_resolution_prefers_the_flag_then_BERTH_HOST_then_DOCKER_HOST()
    {
        var viaEnv = await Run.Program(Repo.Binary("berth"), ["version"], new Dictionary<string, string> { ["BERTH_HOST"] = _d.Host, ["DOCKER_HOST"] = "unix:///nonexistent.sock" });
        Assert.True(viaEnv.ExitCode == 0, viaEnv.ToString());
        var viaDocker = await Run.Program(Repo.Binary("berth"), ["version"], new Dictionary<string, string> { ["DOCKER_HOST"] = _d.Host, ["BERTH_HOST"] = "" });
        Assert.True(viaDocker.ExitCode == 0, viaDocker.ToString());
    }

    [Fact]
    public async Task Without_a_daemon_the_error_names_the_socket_and_the_exit_code_is_1()
    {
        var r = await Run.Program(Repo.Binary("berth"), ["-H", "unix:///tmp/berth-test-nothing-here.sock", "info"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Cannot connect to the berth daemon at unix:///tmp/berth-test-nothing-here.sock. Is the berth daemon running?\n", r.Stderr);
    }

    [Fact]
    public async Task An_unknown_command_is_named()
    {
        var r = await Berth("frobnicate");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'frobnicate' is not a berth command", r.Stderr);
    }

    [Fact]
    public async Task Up_starts_a_daemon_that_docker_can_use_and_is_idempotent()
    {
        using var dir = new TempDir();
        var host = "unix://" + dir.Combine("up.sock");
        var first = await Run.Program(Repo.Binary("berth"), ["-H", host, "up", "--data-root", dir.Combine("data"), "--exec-root", dir.Combine("exec")]);
        var pidFile = dir.Combine("exec", "berthd.pid");
        try
        {
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains($"berthd is listening on {host}", first.Stdout);
            Assert.Contains($"export DOCKER_HOST={host}", first.Stdout);
            Assert.Equal(0, (await Run.Docker(host, "info")).ExitCode);
            Assert.Contains("Imported busybox:latest", first.Stdout);
            Assert.Contains("\nHello from your first berth container\n", first.Stdout);
            Assert.Equal("", (await Run.Docker(host, "ps", "-aq")).Stdout);
            var cmd = await Run.Docker(host, "image", "inspect", "busybox:latest", "--format", "{{json .Config.Cmd}}");
            Assert.Equal("[\"sh\"]", cmd.Stdout.Trim());

            var second = await Run.Program(Repo.Binary("berth"), ["-H", host, "up", "--data-root", dir.Combine("data"), "--exec-root", dir.Combine("exec")]);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.DoesNotContain("Starting berthd", second.Stderr);
            Assert.DoesNotContain("Imported", second.Stdout);
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                using var p = System.Diagnostics.Process.GetProcessById(pid);
                p.Kill();
                await p.WaitForExitAsync();
            }
        }
    }
}
