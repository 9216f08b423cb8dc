using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>The container verbs of the real docker CLI against berthd: run, ps, inspect, logs, stop, start, kill, wait, rm.</summary>
public sealed class ContainerEndpointSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Berthd _d = null!;

    public async ValueTask InitializeAsync()
    {
        _d = await Berthd.Start();
        var rootfs = await Busybox.RootfsTar(_dir);
        var r = await Docker("import", "-c", "CMD [\"sh\"]", rootfs, "busybox");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        // Containers left running by a failed spec are killed with their shims.
        await Docker("rm", "-f", "web");
        await _d.DisposeAsync();
        _dir.Dispose();
    }

    private Task<Run.Result> Docker(params string[] args) => Run.Docker(_d.Host, args);

    private async Task<string> Ok(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r.Stdout.Trim();
    }

    [Fact]
    public async Task Run_rm_echo_prints_the_output_exits_0_and_leaves_nothing_behind()
    {
        var r = await Docker("run", "--rm", "busybox", "echo", "hi");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\n", r.Stdout);
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    [Fact]
    public async Task Run_exits_with_the_containers_exit_code_and_streams_stdout_and_stderr_apart()
    {
        var r = await Docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Contains("err", r.Stderr);
    }

    [Fact]
    public async Task Start_attach_of_an_exited_container_streams_the_new_run_and_exits_with_its_code()
    {
        var first = await Docker("run", "--name", "rerun", "busybox", "sh", "-c", "echo run; exit 4");
        Assert.Equal(4, first.ExitCode);

        var again = await Docker("start", "-a", "rerun");

        Assert.Equal(4, again.ExitCode);
        Assert.Equal("run\n", again.Stdout);
        Assert.Equal("run\nrun", await Ok("logs", "rerun"));
        await Ok("rm", "rerun");
    }

    [Fact]
    public async Task Run_of_a_missing_executable_exits_127_with_the_runtimes_message()
    {
        var r = await Docker("run", "--name", "missing", "busybox", "nosuch");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("executable file not found", r.Stderr);
        Assert.Equal("exited 127", await Ok("inspect", "missing", "--format", "{{.State.Status}} {{.State.ExitCode}}"));
        await Ok("rm", "missing");
    }

    [Fact]
    public async Task A_detached_container_is_listed_inspected_logged_stopped_restarted_killed_waited_and_removed()
    {
        var id = await Ok("run", "-d", "--name", "web", "busybox", "sh", "-c", "echo hello; exec sleep 1000");
        Assert.Matches("^[0-9a-f]{64}$", id);

        Assert.Equal($"{id[..12]} web running", await Ok("ps", "--format", "{{.ID}} {{.Names}} {{.State}}"));
        using (var inspect = JsonDocument.Parse(await Ok("inspect", "web")))
        {
            var c = inspect.RootElement[0];
            Assert.Equal(id, c.GetProperty("Id").GetString());
            Assert.Equal("/web", c.GetProperty("Name").GetString());
            Assert.Equal("sh", c.GetProperty("Path").GetString());
            Assert.True(c.GetProperty("State").GetProperty("Running").GetBoolean());
            Assert.True(c.GetProperty("State").GetProperty("Pid").GetInt32() > 0);
            Assert.StartsWith("sha256:", c.GetProperty("Image").GetString());
            Assert.Equal(id[..12], c.GetProperty("Config").GetProperty("Hostname").GetString() is { Length: > 0 } h ? h : id[..12]);
        }
        await WaitForLog("web", "hello\n");

        // stop: sleep as pid 1 ignores SIGTERM, so the SIGKILL after t=1 ends it (137, like dockerd).
        Assert.Equal("web", await Ok("stop", "-t", "1", "web"));
        Assert.Equal("exited 137", await Ok("inspect", "web", "--format", "{{.State.Status}} {{.State.ExitCode}}"));
        Assert.Equal("", await Ok("ps", "-q"));
        Assert.StartsWith("Exited (137)", await Ok("ps", "-a", "--filter", "name=web", "--format", "{{.Status}}"));

        Assert.Equal("web", await Ok("start", "web"));
        Assert.Equal("running", await Ok("inspect", "web", "--format", "{{.State.Status}}"));

        var rmRunning = await Docker("rm", "web");
        Assert.NotEqual(0, rmRunning.ExitCode);
        Assert.Contains($"You cannot remove a running container {id}. Stop the container before attempting removal or force remove", rmRunning.Stderr);

        var wait = Docker("wait", "web");
        Assert.Equal("web", await Ok("kill", "web"));
        Assert.Equal("137", (await wait).Stdout.Trim());
        var killStopped = await Docker("kill", "web");
        Assert.Contains($"Cannot kill container: web: Container {id} is not running", killStopped.Stderr);

        Assert.Equal("web", await Ok("rm", "web"));
        var gone = await Docker("inspect", "web");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("No such", gone.Stderr);
    }

    [Fact]
    public async Task Rm_force_kills_and_removes_a_running_container()
    {
        await Ok("run", "-d", "--name", "web", "busybox", "sleep", "1000");
        Assert.Equal("web", await Ok("rm", "-f", "web"));
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    [Fact]
    public async Task Names_are_unique_and_checked_like_dockerd()
    {
        var id = await Ok("create", "--name", "web", "busybox", "true");
        var dup = await Docker("create", "--name", "web", "busybox", "true");
        Assert.NotEqual(0, dup.ExitCode);
        Assert.Contains($"Conflict. The container name \"/web\" is already in use by container \"{id}\"", dup.Stderr);
        var bad = await Docker("create", "--name", "w!", "busybox", "true");
        Assert.Contains("Invalid container name (w!), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", bad.Stderr);
        Assert.Equal(id, await Ok("inspect", id[..8], "--format", "{{.Id}}"));
        Assert.Equal(id, await Ok("inspect", "/web", "--format", "{{.Id}}"));
        Assert.Equal("created", await Ok("inspect", "web", "--format", "{{.State.Status}}"));
    }

    [Fact]
    public async Task Starting_a_running_container_is_304_and_a_missing_one_404()
    {
        await Ok("run", "-d", "--name", "web", "busybox", "sleep", "1000");
        var client = UnixHttp.Client(_d.Socket);
        Assert.Equal(304, (int)(await client.PostAsync("http://d/containers/web/start", null)).StatusCode);
        var missing = await client.PostAsync("http://d/containers/nope/start", null);
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Contains("No such container: nope", await missing.Content.ReadAsStringAsync());
        var empty = await client.PostAsync("http://d/containers/create", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)empty.StatusCode);
        Assert.Contains("Config cannot be empty in order to create a container", await empty.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_image_is_404_no_such_image()
    {
        var r = await Docker("create", "--pull", "never", "nosuchimage");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("No such image", r.Stderr);
    }

    [Fact]
    public async Task Containers_survive_a_daemon_crash_and_a_running_one_is_still_running_and_controllable()
    {
        using var dir = new TempDir("berth-test-d");
        var d = await Berthd.Start(dir);
        try
        {
            using var tarDir = new TempDir();
            Assert.Equal(0, (await Run.Docker(d.Host, "import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(tarDir), "busybox")).ExitCode);
            Assert.Equal(0, (await Run.Docker(d.Host, "run", "-d", "--name", "web", "busybox", "sleep", "1000")).ExitCode);
            Assert.Equal(4, (await Run.Docker(d.Host, "run", "--name", "done", "busybox", "sh", "-c", "exit 4")).ExitCode);
            var pid = (await Run.Docker(d.Host, "inspect", "web", "--format", "{{.State.Pid}}")).Stdout.Trim();
            await d.Crash();
            await d.DisposeAsync();

            d = await Berthd.Start(dir);
            Assert.Equal($"running {pid}", (await Run.Docker(d.Host, "inspect", "web", "--format", "{{.State.Status}} {{.State.Pid}}")).Stdout.Trim());
            Assert.Equal("exited 4", (await Run.Docker(d.Host, "inspect", "done", "--format", "{{.State.Status}} {{.State.ExitCode}}")).Stdout.Trim());
            Assert.Equal(["done", "web"], (await Run.Docker(d.Host, "ps", "-a", "--format", "{{.Names}}")).Stdout.Trim().Split('\n').Order());
            var stop = await Run.Docker(d.Host, "stop", "-t", "0", "web");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Equal("exited 137", (await Run.Docker(d.Host, "inspect", "web", "--format", "{{.State.Status}} {{.State.ExitCode}}")).Stdout.Trim());
            Assert.Equal(0, (await Run.Docker(d.Host, "rm", "web", "done")).ExitCode);
        }
        finally
        {
            await Run.Docker(d.Host, "rm", "-f", "web", "done");
            await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_lifecycle_is_published_as_container_events_with_image_and_name()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();
        Assert.Equal(5, (await Docker("run", "--rm", "--name", "ev", "busybox", "sh", "-c", "exit 5")).ExitCode);
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        var events = await Ok("events", "--since", since, "--until", until, "--filter", "type=container",
            "--format", "{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.image}} {{.Actor.Attributes.exitCode}}");
        var lines = events.Split('\n').Select(l => l.Replace("<no value>", "").Trim()).ToList();
        Assert.Equal(["create ev busybox", "attach ev busybox", "start ev busybox", "die ev busybox 5", "destroy ev busybox"],
            lines.Where(l => !l.StartsWith("kill", StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public async Task An_image_used_by_a_container_cannot_be_removed()
    {
        var id = await Ok("create", "--name", "user", "busybox", "true");
        var rmi = await Docker("rmi", "busybox");
        Assert.NotEqual(0, rmi.ExitCode);
        Assert.Contains($"container {id[..12]} is using its referenced image", rmi.Stderr);
        await Ok("rm", "user");
        Assert.Equal(0, (await Docker("rmi", "busybox")).ExitCode);
    }

    [Fact]
    public async Task Run_interactive_feeds_stdin_and_its_end_reaches_the_container()
    {
        var stdin = _dir.Combine("input.txt");
        await File.WriteAllTextAsync(stdin, "one\ntwo\n");
        var r = await Run.Program("/bin/sh", ["-c", $"docker -H {_d.Host} run --rm -i busybox sh -c 'cat; echo done' < {stdin}"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("one\ntwo\ndone\n", r.Stdout);
    }

    [Fact]
    public async Task Logs_honour_tail_and_timestamps_and_restart_runs_the_command_again()
    {
        await Ok("run", "-d", "--name", "web", "busybox", "sh", "-c", "echo line1; echo line2; echo line3; exec sleep 1000");
        await WaitForLog("web", "line1\nline2\nline3\n");
        Assert.Equal("line2\nline3", await Ok("logs", "--tail", "2", "web"));
        var stamped = (await Ok("logs", "-t", "web")).Split('\n');
        Assert.All(stamped, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line\d$", l));

        var pid = await Ok("inspect", "web", "--format", "{{.State.Pid}}");
        Assert.Equal("web", await Ok("restart", "-t", "0", "web"));
        Assert.Equal("running", await Ok("inspect", "web", "--format", "{{.State.Status}}"));
        Assert.NotEqual(pid, await Ok("inspect", "web", "--format", "{{.State.Pid}}"));
        await WaitForLog("web", "line1\nline2\nline3\nline1\nline2\nline3\n");
    }

    [Fact]
    public async Task Run_with_a_terminal_streams_the_ptys_output_raw()
    {
        var r = await Docker("run", "--rm", "-t", "busybox", "echo", "tty");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("tty\r\n", r.Stdout);
    }

    /// <summary>The json-file log is written by the shim as the container runs; polls until it holds the text.</summary>
    private async Task WaitForLog(string name, string expected)
    {
        for (var i = 0; i < 100; i++)
        {
            var r = await Docker("logs", name);
            if (r.Stdout == expected) return;
            await Task.Delay(100);
        }
        Assert.Equal(expected, (await Docker("logs", name)).Stdout);
    }
}
