using System.Text;
using System.Text.Json;
using Berth.TestSupport;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>docker exec against berthd: the real docker CLI and Docker.DotNet, output, exit codes, options, live restore.</summary>
public sealed class ExecSpecs : DaemonSpecs
{
    /// <summary>Bounds the polling loops below against hangs; no assertion depends on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly string _name = "exec-" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Ok("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox");
    }

    public override async ValueTask DisposeAsync()
    {
        await Docker("rm", "-f", _name);
        await base.DisposeAsync();
    }

    private Task<Run.Result> Docker(params string[] args) => Run.Docker(Daemon.Host, args);

    private async Task<string> Ok(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r.Stdout.Trim();
    }

    private Task<string> RunSleeper(params string[] options) =>
        Ok(["run", "-d", "--name", _name, .. options, "busybox", "sleep", "1000"]);

    [Fact]
    public async Task Docker_exec_prints_both_streams_and_exits_with_the_exec_code()
    {
        await RunSleeper();

        var echo = await Docker("exec", _name, "echo", "x");
        var failing = await Docker("exec", _name, "sh", "-c", "echo out; echo err >&2; exit 5");

        Assert.True(echo.ExitCode == 0, echo.ToString());
        Assert.Equal("x\n", echo.Stdout);
        Assert.Equal(5, failing.ExitCode);
        Assert.Equal("out\n", failing.Stdout);
        Assert.Equal("err\n", failing.Stderr);
    }

    [Fact]
    public async Task Exec_sees_the_container_env_plus_its_own_env_workdir_and_user()
    {
        await RunSleeper("-e", "FROM_RUN=1", "-e", "SHARED=run");
        var env = Dir.Combine("env.list");
        await File.WriteAllTextAsync(env, "FROM_FILE=3\n");

        var numeric = await Ok("exec", "-e", "SHARED=exec", "--env-file", env, "-w", "/tmp", "-u", "1000:2000", _name,
            "sh", "-c", "echo $FROM_RUN $SHARED $FROM_FILE $(pwd) $(id -u):$(id -g)");
        var named = await Ok("exec", "-u", "nobody", _name, "id", "-u");

        Assert.Equal("1 exec 3 /tmp 1000:2000", numeric);
        Assert.Equal("65534", named);
    }

    [Fact]
    public async Task Exec_interactive_feeds_piped_stdin_and_its_end_reaches_the_process()
    {
        await RunSleeper();
        var input = Dir.Combine("input.txt");
        await File.WriteAllTextAsync(input, "one\ntwo\n");

        var r = await Run.Program("/bin/sh", ["-c", $"docker -H {Daemon.Host} exec -i {_name} sh -c 'cat; echo e >&2; exit 4' < {input}"]);

        Assert.Equal(4, r.ExitCode);
        Assert.Equal("one\ntwo\n", r.Stdout);
        Assert.Equal("e\n", r.Stderr);
    }

    [Fact]
    public async Task Exec_detached_returns_at_once_and_its_process_runs_in_the_container()
    {
        await RunSleeper();

        var detached = await Docker("exec", "-d", _name, "sh", "-c", "echo done > /tmp/marker");
        var marker = await Eventually(async () => await Docker("exec", _name, "cat", "/tmp/marker") is { ExitCode: 0 } r ? r.Stdout : null);

        Assert.True(detached.ExitCode == 0, detached.ToString());
        Assert.Equal("", detached.Stdout);
        Assert.Equal("done\n", marker);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_is_a_409_conflict()
    {
        await Ok("run", "--name", _name, "busybox", "true");
        var id = await Ok("inspect", _name, "--format", "{{.Id}}");
        using var http = UnixHttp.Client(Daemon.Socket);

        var cli = await Docker("exec", _name, "echo", "x");
        var response = await PostJson(http, $"/containers/{_name}/exec", "{\"Cmd\":[\"echo\",\"x\"]}");

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains($"Container {id} is not running", cli.Stderr);
        Assert.Equal(409, response.Status);
    }

    [Fact]
    public async Task Exec_of_a_missing_executable_exits_127_with_the_runtimes_message()
    {
        await RunSleeper();

        var r = await Docker("exec", _name, "nosuch");

        Assert.Equal(127, r.ExitCode);
        Assert.Contains("OCI runtime exec failed", r.Stdout + r.Stderr);
        Assert.Contains("nosuch", r.Stdout + r.Stderr);
    }

    [Fact]
    public async Task Docker_DotNet_creates_starts_and_inspects_an_exec_with_its_exit_code()
    {
        var container = await RunSleeper();
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var created = await client.Exec.ExecCreateContainerAsync(_name, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "echo hello; exit 7"], AttachStdout = true, AttachStderr = true,
        }, ct);
        using (var stream = await client.Exec.StartAndAttachContainerExecAsync(created.ID, false, ct))
        {
            var (stdout, _) = await stream.ReadOutputToEndAsync(ct);
            Assert.Equal("hello\n", stdout);
        }
        var inspected = await client.Exec.InspectContainerExecAsync(created.ID, ct);

        Assert.Matches("^[0-9a-f]{64}$", created.ID);
        Assert.False(inspected.Running);
        Assert.Equal(7, inspected.ExitCode);
        Assert.Equal(container, inspected.ContainerID);
    }

    [Fact]
    public async Task An_unknown_exec_is_a_404()
    {
        using var http = UnixHttp.Client(Daemon.Socket);

        var response = await Get(http, "/exec/" + new string('a', 64) + "/json");

        Assert.Equal(404, response.Status);
        Assert.Contains("No such exec instance", response.Body);
    }

    [Fact]
    public async Task Exec_events_and_inspect_list_the_running_exec()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();
        var execId = JsonDocument.Parse((await PostJson(http, $"/containers/{_name}/exec", "{\"Cmd\":[\"sh\",\"-c\",\"while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3\"]}")).Body)
            .RootElement.GetProperty("Id").GetString()!;
        Assert.Equal(200, (await PostJson(http, $"/exec/{execId}/start", "{\"Detach\":true}")).Status);

        var running = await Ok("inspect", _name, "--format", "{{json .ExecIDs}}");
        await Ok("exec", _name, "touch", "/tmp/go");
        var exitCode = await Eventually(async () => ExecExit(await Get(http, $"/exec/{execId}/json")));
        var process = JsonDocument.Parse((await Get(http, $"/exec/{execId}/json")).Body).RootElement.GetProperty("ProcessConfig");
        var afterExit = await Ok("inspect", _name, "--format", "{{json .ExecIDs}}");
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        var events = await Ok("events", "--since", since, "--until", until, "--filter", "type=container",
            "--format", "{{.Action}} {{.Actor.Attributes.execID}} {{.Actor.Attributes.exitCode}}");

        Assert.Equal($"[\"{execId}\"]", running);
        Assert.Equal(3, exitCode);
        Assert.Equal("null", afterExit);
        Assert.Equal("sh", process.GetProperty("entrypoint").GetString());
        Assert.Equal("-c", process.GetProperty("arguments")[0].GetString());
        Assert.False(process.GetProperty("tty").GetBoolean());
        var lines = events.Split('\n').Where(l => l.Contains(execId)).ToList();
        Assert.Equal([
            $"exec_create: sh -c while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3 {execId} <no value>",
            $"exec_start: sh -c while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3 {execId} <no value>",
            $"exec_die {execId} 3"], lines);
    }

    [Fact]
    public async Task Execs_keep_working_after_berthd_is_killed_and_restarted()
    {
        var dir = new TempDir("berth-test-exec-live");
        var d = await Berthd.Start(dir);
        try
        {
            Assert.Equal(0, (await Run.Docker(d.Host, "import", "-c", "CMD [\"sh\"]", Rootfs, "busybox")).ExitCode);
            Assert.Equal(0, (await Run.Docker(d.Host, "run", "-d", "--name", _name, "busybox", "sleep", "1000")).ExitCode);
            string execId;
            using (var http = UnixHttp.Client(d.Socket))
            {
                execId = JsonDocument.Parse((await PostJson(http, $"/containers/{_name}/exec",
                    "{\"Cmd\":[\"sh\",\"-c\",\"while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 6\"]}")).Body).RootElement.GetProperty("Id").GetString()!;
                Assert.Equal(200, (await PostJson(http, $"/exec/{execId}/start", "{\"Detach\":true}")).Status);
            }
            await d.Crash();
            await d.DisposeAsync();

            d = await Berthd.Start(dir);
            using var again = UnixHttp.Client(d.Socket);
            var afterRestart = JsonDocument.Parse((await Get(again, $"/exec/{execId}/json")).Body).RootElement;
            var echo = await Run.Docker(d.Host, "exec", _name, "sh", "-c", "echo after; touch /tmp/go");
            var exitCode = await Eventually(async () => ExecExit(await Get(again, $"/exec/{execId}/json")));

            Assert.True(afterRestart.GetProperty("Running").GetBoolean());
            Assert.True(echo.ExitCode == 0, echo.ToString());
            Assert.Equal("after\n", echo.Stdout);
            Assert.Equal(6, exitCode);
        }
        finally
        {
            await Run.Docker(d.Host, "rm", "-f", _name);
            await d.DisposeAsync();
            dir.Dispose();
        }
    }

    private static int? ExecExit(Reply r)
    {
        var root = JsonDocument.Parse(r.Body).RootElement;
        return root.GetProperty("Running").GetBoolean() ? null : root.GetProperty("ExitCode").GetInt32();
    }

    private sealed record Reply(int Status, string Body);

    private static async Task<Reply> PostJson(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<Reply> Get(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="probe"/> yields a value (for effects of detached processes).</summary>
    private static async Task<T> Eventually<T>(Func<Task<T?>> probe)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        while (true)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50, guard.Token);
        }
    }

    private static async Task<int> Eventually(Func<Task<int?>> probe)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        while (true)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50, guard.Token);
        }
    }
}
