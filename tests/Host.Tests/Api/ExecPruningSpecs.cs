using System.Text;
using System.Text.Json;
using Berth.TestSupport;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Exec records live as long as the run of their container, as in dockerd (its cleanup unregisters a stopped
/// container's execs): after a stop, a restart, a kill or a removal, inspecting one of them is a 404.
/// </summary>
public sealed class ExecPruningSpecs : ContainerSpecs
{
    private readonly string _name = "prune-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Stopping_a_container_drops_its_finished_and_never_started_execs()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);
        var finished = await CreateExec(http, "[\"sh\",\"-c\",\"exit 3\"]");
        await StartDetached(http, finished);
        var idle = await CreateExec(http, "[\"true\"]");
        var exitCode = await Eventually(async () => await Inspect(http, finished) is { Status: 200 } r && !r.Json.GetProperty("Running").GetBoolean()
            ? r.Json.GetProperty("ExitCode").GetInt32() : (int?)null);

        await Ok("stop", "-t", "0", _name);

        Assert.Equal(3, exitCode);
        await AssertGone(http, finished);
        await AssertGone(http, idle);
    }

    [Fact]
    public async Task Restarting_a_container_drops_the_execs_of_its_previous_run()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);
        var running = await CreateExec(http, "[\"sleep\",\"1000\"]");
        await StartDetached(http, running);
        Assert.True((await Inspect(http, running)).Json.GetProperty("Running").GetBoolean());

        await Ok("restart", "-t", "0", _name);

        await AssertGone(http, running);
        Assert.Equal("running null", (await Ok("inspect", "-f", "{{.State.Status}} {{json .ExecIDs}}", _name)).Trim());
    }

    [Fact]
    public async Task An_attached_exec_ends_when_its_container_is_killed_and_is_then_gone()
    {
        await RunSleeper();
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var created = await client.Exec.ExecCreateContainerAsync(_name, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "echo started; exec sleep 1000"], AttachStdout = true, AttachStderr = true,
        }, ct);
        using var http = UnixHttp.Client(Daemon.Socket);

        using (var stream = await client.Exec.StartAndAttachContainerExecAsync(created.ID, false, ct))
        {
            var buffer = new byte[64];
            var first = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
            Assert.Equal("started\n", Encoding.ASCII.GetString(buffer, 0, first.Count));
            await Ok("kill", _name);
            // The stream ends once the container (and the exec with it) is gone.
            while (!(await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct)).EOF) { }
        }

        await AssertGone(http, created.ID);
    }

    [Fact]
    public async Task Removing_a_container_drops_its_execs()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);
        var running = await CreateExec(http, "[\"sleep\",\"1000\"]");
        await StartDetached(http, running);

        await Ok("rm", "-f", _name);

        await AssertGone(http, running);
    }

    private Task<string> RunSleeper() => Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000");

    private static async Task AssertGone(HttpClient http, string execId)
    {
        var r = await Inspect(http, execId);
        Assert.Equal(404, r.Status);
        Assert.Contains($"No such exec instance: {execId}", r.Body);
    }

    private async Task<string> CreateExec(HttpClient http, string cmdJson)
    {
        using var response = await http.PostAsync($"/containers/{_name}/exec", new StringContent($"{{\"Cmd\":{cmdJson}}}", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    private static async Task StartDetached(HttpClient http, string execId)
    {
        using var response = await http.PostAsync($"/exec/{execId}/start", new StringContent("{\"Detach\":true}", Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
    }

    private sealed record Reply(int Status, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private static async Task<Reply> Inspect(HttpClient http, string execId)
    {
        using var response = await http.GetAsync($"/exec/{execId}/json");
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="probe"/> yields a value (a detached exec's exit); the guard only bounds a hang.</summary>
    private static async Task<int> Eventually(Func<Task<int?>> probe)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50, guard.Token);
        }
    }
}
