using System.Text;
using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// What a running container keeps across a restart of berthd (kill -9 or a clean stop; live restore): its health
/// (status, failing streak, log) and its execs as they were created (user name, workdir, detach keys); and every container
/// is in the list from the first request on.
/// </summary>
public sealed class RestoredStateSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("berth-test-restore");
    private readonly string _name = "restore-" + Guid.NewGuid().ToString("N")[..8];
    private Berthd _daemon = null!;

    public async ValueTask InitializeAsync()
    {
        _daemon = await Berthd.Start(_dir);
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
    }

    public async ValueTask DisposeAsync()
    {
        await Run.Docker(_daemon.Host, "rm", "-f", _name);
        await _daemon.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_healthy_container_is_still_healthy_with_its_log_right_after_berthd_is_killed_and_restarted()
    {
        await Ok("run", "-d", "--name", _name, "--health-cmd", "echo probed", "--health-interval", "2s", "busybox", "sleep", "1000");
        await UntilHealth(h => h.GetProperty("Status").GetString() == "healthy");

        await _daemon.Crash();
        var down = DateTimeOffset.UtcNow;
        await _daemon.DisposeAsync();
        _daemon = await Berthd.Start(_dir);
        var after = await Health();

        Assert.Equal("healthy", after.GetProperty("Status").GetString());
        Assert.Equal(0, after.GetProperty("FailingStreak").GetInt32());
        // The log still holds what the probes said before the crash (a fresh start would have only newer entries, if any).
        var fromBefore = Entries(after).Where(e => DateTimeOffset.Parse(e.Start) < down).ToList();
        Assert.NotEmpty(fromBefore);
        Assert.All(fromBefore, e => Assert.Equal("probed\n", e.Output));
    }

    [Fact]
    public async Task An_unhealthy_container_keeps_its_status_and_failing_streak_across_a_clean_restart_of_berthd()
    {
        await Ok("run", "-d", "--name", _name, "--health-cmd", "echo failing; exit 1", "--health-interval", "1s", "--health-retries", "2",
            "busybox", "sleep", "1000");
        var before = await UntilHealth(h => h.GetProperty("Status").GetString() == "unhealthy" && h.GetProperty("FailingStreak").GetInt32() >= 3);

        await _daemon.DisposeAsync(); // SIGTERM: berthd stops (its probes go on until it has), the container runs on
        var down = DateTimeOffset.UtcNow;
        _daemon = await Berthd.Start(_dir);
        var after = await Health();

        Assert.Equal("unhealthy", after.GetProperty("Status").GetString());
        Assert.True(after.GetProperty("FailingStreak").GetInt32() >= before.GetProperty("FailingStreak").GetInt32(), after.ToString());
        Assert.Contains(Entries(after), e => DateTimeOffset.Parse(e.Start) < down && e.Output == "failing\n");
    }

    [Fact]
    public async Task An_exec_shows_the_user_name_workdir_and_detach_keys_it_was_created_with_after_berthd_is_killed_and_restarted()
    {
        await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        string execId;
        JsonElement before;
        using (var http = UnixHttp.Client(_daemon.Socket))
        {
            using var created = await http.PostAsync($"/containers/{_name}/exec", new StringContent(
                "{\"Cmd\":[\"sleep\",\"1000\"],\"User\":\"nobody\",\"WorkingDir\":\"/tmp\",\"DetachKeys\":\"ctrl-a,x\",\"Env\":[\"A=1\"]}",
                Encoding.UTF8, "application/json"));
            var text = await created.Content.ReadAsStringAsync();
            Assert.True((int)created.StatusCode == 201, text);
            execId = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
            using var started = await http.PostAsync($"/exec/{execId}/start", new StringContent("{\"Detach\":true}", Encoding.UTF8, "application/json"));
            Assert.Equal(200, (int)started.StatusCode);
            before = await InspectExec(http, execId);
        }

        await _daemon.Crash();
        await _daemon.DisposeAsync();
        _daemon = await Berthd.Start(_dir);
        using var again = UnixHttp.Client(_daemon.Socket);
        var after = await InspectExec(again, execId);

        Assert.Equal("nobody", after.GetProperty("ProcessConfig").GetProperty("user").GetString());
        Assert.Equal(before.ToString(), after.ToString()); // every field, the pid and the running state included
    }

    [Fact]
    public async Task Ps_lists_every_container_from_the_first_request_after_berthd_restarts()
    {
        var ids = new List<string> { await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000") };
        for (var i = 0; i < 24; i++) ids.Add(await Ok("create", "busybox", "true"));

        await _daemon.Crash();
        await _daemon.DisposeAsync();
        _daemon = await Berthd.Start(_dir);
        using var http = UnixHttp.Client(_daemon.Socket);
        using var all = await http.GetAsync("/containers/json?all=1");
        using var running = await http.GetAsync("/containers/json");

        var listed = JsonDocument.Parse(await all.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()).ToList();
        Assert.Equal(ids.OrderBy(i => i), listed.OrderBy(i => i));
        Assert.Equal([ids[0]], JsonDocument.Parse(await running.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()));
    }

    private async Task<string> Ok(params string[] args)
    {
        var r = await Run.Docker(_daemon.Host, args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\nberthd:\n{_daemon.Log}");
        return r.Stdout.Trim();
    }

    private async Task<JsonElement> Health()
    {
        using var doc = JsonDocument.Parse(await Ok("inspect", "-f", "{{json .State.Health}}", _name));
        return doc.RootElement.Clone();
    }

    /// <summary>Polls inspect until the health satisfies <paramref name="done"/>; the deadline only bounds a hang.</summary>
    private async Task<JsonElement> UntilHealth(Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var h = await Health();
            if (h.ValueKind == JsonValueKind.Object && done(h)) return h;
            if (DateTime.UtcNow > deadline) Assert.Fail($"health never got there: {h}\nberthd:\n{_daemon.Log}");
            await Task.Delay(100);
        }
    }

    private sealed record Entry(string Start, string End, int ExitCode, string Output);

    private static List<Entry> Entries(JsonElement health) => health.GetProperty("Log").EnumerateArray()
        .Select(e => new Entry(e.GetProperty("Start").GetString()!, e.GetProperty("End").GetString()!, e.GetProperty("ExitCode").GetInt32(),
            e.GetProperty("Output").GetString()!)).ToList();

    private static async Task<JsonElement> InspectExec(HttpClient http, string execId)
    {
        using var response = await http.GetAsync($"/exec/{execId}/json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
