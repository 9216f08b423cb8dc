using System.Globalization;
using System.Text.Json;
using Berth.Runtime.Cgroups;
using Berth.TestSupport;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>Container operations through the real docker CLI and Docker.DotNet: pause, rename, top, stats, update, prune, ps filters, logs windows, wait conditions.</summary>
public sealed class ContainerOpsSpecs : IAsyncLifetime
{
    private const string Counter = "i=0; while true; do i=$((i+1)); echo $i; sleep 0.05; done";

    private readonly TempDir _dir = new("berth-test-ops");
    private Berthd _d = null!;
    private DockerClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _d = await Berthd.Start(_dir);
        _client = new DockerClientConfiguration(new Uri(_d.Host)).CreateClient();
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever a failed spec left behind is killed with its shim before the daemon goes.
        var left = await Docker("ps", "-aq");
        foreach (var id in left.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await Docker("rm", "-f", id);
        _client.Dispose();
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

    private async Task<string> Fails(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode != 0, $"docker {string.Join(' ', args)} should have failed: {r}");
        return r.Stderr;
    }

    private async Task<int> LogLines(string name) => (await Ok("logs", name)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("never happened: " + what);
    }

    [Fact]
    public async Task A_paused_container_does_not_advance_its_counter_until_it_is_unpaused()
    {
        var id = await Ok("run", "-d", "--name", "counter", "busybox", "sh", "-c", Counter);
        await Eventually(async () => await LogLines("counter") > 2, "the counter counts");
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        Assert.Equal("counter", await Ok("pause", "counter"));
        Assert.Equal("paused true", await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "counter"));
        Assert.EndsWith("(Paused)", await Ok("ps", "--filter", "status=paused", "--format", "{{.Status}}"));
        var frozenAt = await LogLines("counter");
        await Task.Delay(500);
        Assert.Equal(frozenAt, await LogLines("counter"));
        Assert.Contains($"Container {id} is already paused", await Fails("pause", "counter"));

        Assert.Equal("counter", await Ok("unpause", "counter"));
        Assert.Equal("running false", await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "counter"));
        await Eventually(async () => await LogLines("counter") > frozenAt, "the counter counts again");
        Assert.Contains($"Container {id} is not paused", await Fails("unpause", "counter"));

        var actions = await Ok("events", "--since", start.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", "container=counter", "--filter", "event=pause", "--filter", "event=unpause", "--format", "{{.Action}}");
        Assert.Equal(["pause", "unpause"], actions.Split('\n'));
    }

    [Fact]
    public async Task A_paused_container_can_still_be_stopped_and_killed_and_a_stopped_one_cannot_be_paused()
    {
        var id = await Ok("run", "-d", "--name", "frozen", "busybox", "sleep", "1000");
        await Ok("pause", "frozen");
        Assert.Equal("frozen", await Ok("stop", "-t", "1", "frozen"));
        Assert.Equal("exited 137", await Ok("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "frozen"));
        Assert.Contains($"Container {id} is not running", await Fails("pause", "frozen"));

        await Ok("start", "frozen");
        await _client.Containers.PauseContainerAsync("frozen");
        Assert.Equal("frozen", await Ok("kill", "frozen"));
        Assert.Equal("exited 137", await Ok("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "frozen"));
    }

    [Fact]
    public async Task A_paused_container_is_still_paused_after_the_daemon_is_killed_and_restarted_and_can_be_unpaused()
    {
        await Ok("run", "-d", "--name", "sleeper", "busybox", "sleep", "1000");
        await Ok("pause", "sleeper");
        await _d.Crash();
        await _d.DisposeAsync();
        _d = await Berthd.Start(_dir);
        Assert.Equal("paused true", await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "sleeper"));
        Assert.Equal("1 0", await Ok("info", "--format", "{{.ContainersPaused}} {{.ContainersRunning}}"));
        await Ok("unpause", "sleeper");
        Assert.Equal("running", await Ok("inspect", "-f", "{{.State.Status}}", "sleeper"));
    }

    [Fact]
    public async Task Rename_moves_the_name_checks_it_like_dockerd_and_survives_a_daemon_restart()
    {
        var id = await Ok("create", "--name", "before", "busybox", "true");
        await Ok("create", "--name", "taken", "busybox", "true");
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        await Ok("rename", "before", "after");
        Assert.Equal("/after", await Ok("inspect", "-f", "{{.Name}}", id));
        Assert.Contains("No such container: before", await Fails("inspect", "--type", "container", "before"));
        Assert.Contains("The container name \"/taken\" is already in use", await Fails("rename", "after", "taken"));
        Assert.Contains("Invalid container name (w)", await Fails("rename", "after", "w"));
        var renamed = await _client.Containers.InspectContainerAsync("after");
        Assert.Equal(id, renamed.ID);
        await _client.Containers.RenameContainerAsync("after", new ContainerRenameParameters { NewName = "again" }, default);

        var events = await Ok("events", "--since", start.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", "event=rename", "--format", "{{.Actor.Attributes.oldName}}>{{.Actor.Attributes.name}}");
        Assert.Equal(["/before>after", "/after>again"], events.Split('\n'));

        await _d.DisposeAsync();
        _d = await Berthd.Start(_dir);
        Assert.Equal("/again", await Ok("inspect", "-f", "{{.Name}}", "again"));
        await Ok("create", "--name", "before", "busybox", "true");
    }

    /// <summary>dockerd's Kill (SIGKILL, docker kill's default) answers once the container is not running; other signals answer at once.</summary>
    [Fact]
    public async Task Docker_kill_returns_once_the_container_is_no_longer_running()
    {
        for (var i = 0; i < 5; i++)
        {
            await Ok("run", "-d", "--name", $"killed{i}", "busybox", "sleep", "1000");
            await _client.Containers.KillContainerAsync($"killed{i}", new ContainerKillParameters());
            var state = (await _client.Containers.InspectContainerAsync($"killed{i}")).State;
            Assert.Equal((false, 137L), (state.Running, state.ExitCode));
        }
    }

    [Fact]
    public async Task Top_lists_the_containers_processes_with_the_clients_ps_args()
    {
        await Ok("run", "-d", "--name", "topped", "busybox", "sleep", "1000");
        var lines = (await Ok("top", "topped")).Split('\n');
        Assert.Matches(@"^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$", lines[0]);
        Assert.Single(lines, l => l.EndsWith("sleep 1000"));

        var top = await _client.Containers.ListProcessesAsync("topped", new ContainerListProcessesParameters { PsArgs = "-o pid,comm" });
        Assert.Equal(["PID", "COMMAND"], top.Titles);
        var row = Assert.Single(top.Processes);
        Assert.Equal("sleep", row[1]);
        Assert.Equal(await Ok("inspect", "-f", "{{.State.Pid}}", "topped"), row[0]);

        await Ok("kill", "topped");
        Assert.Contains("is not running", await Fails("top", "topped"));
    }

    [Fact]
    public async Task Stats_no_stream_reports_real_memory_cpu_and_pids()
    {
        await Ok("run", "-d", "--name", "busy", "busybox", "sh", "-c", "sleep 1000 & sleep 1000 & " + Counter);
        var line = await Ok("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}", "busy");
        var parts = line.Split(' ');
        Assert.Equal("busy", parts[0]);
        Assert.NotEqual("0B", parts[1]);
        Assert.True(int.Parse(parts[^1]) >= 3, line);

        ContainerStatsResponse? stats = null;
        await _client.Containers.GetContainerStatsAsync("busy", new ContainerStatsParameters { Stream = false },
            new Progress<ContainerStatsResponse>(s => stats = s), default);
        await Eventually(() => Task.FromResult(stats != null), "the stats document arrives");
        Assert.Equal("/busy", stats!.Name);
        Assert.True(stats.MemoryStats.Usage > 0);
        Assert.True(stats.MemoryStats.Limit > 0);
        Assert.True(stats.PidsStats.Current >= 3);
        Assert.True(stats.CPUStats.CPUUsage.TotalUsage > 0);
        Assert.True(stats.CPUStats.SystemUsage > stats.PreCPUStats.SystemUsage);
        Assert.True(stats.CPUStats.OnlineCPUs > 0);
    }

    [Fact]
    public async Task Stats_streams_one_document_after_another_until_the_client_leaves()
    {
        await Ok("run", "-d", "--name", "streamed", "busybox", "sleep", "1000");
        using var cts = new CancellationTokenSource();
        var documents = new List<ContainerStatsResponse>();
        var streaming = _client.Containers.GetContainerStatsAsync("streamed", new ContainerStatsParameters { Stream = true },
            new Progress<ContainerStatsResponse>(s =>
            {
                lock (documents) documents.Add(s);
                if (documents.Count >= 3) cts.Cancel();
            }), cts.Token);
        try { await streaming; }
        catch (OperationCanceledException) { }
        lock (documents)
        {
            Assert.True(documents.Count >= 3);
            Assert.True(documents[2].Read > documents[1].Read);
            Assert.Equal(documents[1].Read, documents[2].PreRead);
        }
    }

    [Fact]
    public async Task Stats_of_a_container_that_is_not_running_carry_only_its_name_and_id()
    {
        var id = await Ok("create", "--name", "idle", "busybox", "true");
        using var http = UnixHttp.Client(_d.Socket);
        using (var once = JsonDocument.Parse(await http.GetStringAsync("/containers/idle/stats?stream=0")))
        {
            Assert.Equal("0001-01-01T00:00:00Z", once.RootElement.GetProperty("read").GetString());
            Assert.Equal(id, once.RootElement.GetProperty("id").GetString());
            Assert.Empty(once.RootElement.GetProperty("memory_stats").EnumerateObject());
        }
        using var cts = new CancellationTokenSource();
        var documents = new List<ContainerStatsResponse>();
        try
        {
            await _client.Containers.GetContainerStatsAsync("idle", new ContainerStatsParameters { Stream = true },
                new Progress<ContainerStatsResponse>(s =>
                {
                    lock (documents) documents.Add(s);
                    if (documents.Count >= 2) cts.Cancel();
                }), cts.Token);
        }
        catch (OperationCanceledException) { }
        lock (documents)
        {
            Assert.True(documents.Count >= 2);
            Assert.All(documents, d => Assert.Equal("/idle", d.Name));
        }
    }

    [Fact]
    public async Task Update_raises_the_pids_limit_of_the_live_cgroup_and_refuses_what_dockerd_refuses()
    {
        var id = await Ok("run", "-d", "--name", "limited", "busybox", "sleep", "1000");
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        Assert.Equal("limited", await Ok("update", "--pids-limit", "64", "--restart", "on-failure:2", "limited"));
        Assert.Equal(64, CgroupLayout.Detect().Open("/berth/" + id).Usage().PidsLimit);

        var response = await _client.Containers.UpdateContainerAsync("limited", new ContainerUpdateParameters { PidsLimit = 99 });
        Assert.Empty(response.Warnings ?? []);
        Assert.Equal(99, CgroupLayout.Detect().Open("/berth/" + id).Usage().PidsLimit);

        Assert.Contains("Minimum memory limit allowed is 6MB", await Fails("update", "--memory", "1m", "limited"));
        Assert.Contains("invalid restart policy", await Fails("update", "--restart", "sometimes", "limited"));
        var updates = await Ok("events", "--since", start.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", "container=limited", "--filter", "event=update", "--format", "{{.Action}}");
        Assert.Equal(["update", "update"], updates.Split('\n'));
    }

    [Fact]
    public async Task An_update_is_kept_in_the_definition_across_a_daemon_restart()
    {
        await Ok("create", "--name", "kept", "busybox", "true");
        await Ok("update", "--memory", "64m", "--memory-swap", "128m", "kept");
        await _d.DisposeAsync();
        _d = await Berthd.Start(_dir);
        // The refusal depends on the memory-swap limit recorded by the update before the restart.
        Assert.Contains("Memory limit should be smaller than already set memoryswap limit", await Fails("update", "--memory", "256m", "kept"));
        await Ok("update", "--memory", "256m", "--memory-swap", "512m", "kept");
    }

    [Fact]
    public async Task Prune_removes_only_stopped_containers_that_match_its_filters()
    {
        var running = await Ok("run", "-d", "--name", "keeper", "--label", "team=a", "busybox", "sleep", "1000");
        var labelled = await Ok("create", "--name", "labelled", "--label", "team=a", "busybox", "true");
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        await Ok("run", "--name", "exited", "busybox", "sh", "-c", "echo data > /written");

        Assert.Contains(labelled, await Ok("container", "prune", "-f", "--filter", "label=team=a"));
        Assert.Equal(["exited", "keeper"], (await Ok("ps", "-a", "--format", "{{.Names}}")).Split('\n').Order());

        var pruned = await _client.Containers.PruneContainersAsync(new ContainersPruneParameters());
        var deleted = Assert.Single(pruned.ContainersDeleted);
        Assert.NotEqual(running, deleted);
        Assert.True(pruned.SpaceReclaimed >= 5, $"reclaimed {pruned.SpaceReclaimed}");
        Assert.Equal(running, await Ok("ps", "-aq", "--no-trunc"));

        var reclaimed = await Ok("events", "--since", start.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
            "--filter", "type=container", "--filter", "event=prune", "--format", "{{.Actor.Attributes.reclaimed}}");
        Assert.Equal(["0", pruned.SpaceReclaimed.ToString()], reclaimed.Split('\n'));
    }

    [Fact]
    public async Task Ps_filters_select_by_status_name_id_label_ancestor_exit_code_and_creation_order()
    {
        var first = await Ok("run", "-d", "--name", "three", "--label", "k=v", "busybox", "sh", "-c", "exit 3");
        Assert.Equal("3", await Ok("wait", "three"));
        var middle = await Ok("create", "--name", "fresh", "busybox", "true");
        var last = await Ok("run", "-d", "--name", "up", "busybox", "sleep", "1000");
        await Ok("pause", "up");

        async Task<string[]> Names(params string[] filters) =>
            (await Ok(["ps", "-a", "--format", "{{.Names}}", .. filters.SelectMany(f => new[] { "--filter", f })]))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();

        Assert.Equal(["up"], await Names("status=paused"));
        Assert.Equal(["three"], await Names("status=exited"));
        Assert.Equal(["fresh"], await Names("status=created"));
        Assert.Equal(["three"], await Names("exited=3"));
        Assert.Equal(["three"], await Names("label=k=v"));
        Assert.Equal(["three"], await Names("label=k"));
        Assert.Equal(["fresh"], await Names("name=fre"));
        Assert.Equal(["up"], await Names("id=" + last[..10]));
        Assert.Equal(["fresh", "three", "up"], await Names("ancestor=busybox"));
        Assert.Equal(["three"], await Names("before=fresh"));
        Assert.Equal(["fresh", "up"], await Names("since=" + first[..12]));
        Assert.Equal(["fresh"], await Names("since=three", "before=up"));
        Assert.Contains("invalid filter 'status=sleeping'", await Fails("ps", "--filter", "status=sleeping"));
        Assert.NotEqual(middle, last);
    }

    [Fact]
    public async Task Ps_size_and_system_df_report_the_writable_layer_and_the_root_filesystem()
    {
        await Ok("run", "--name", "writer", "busybox", "sh", "-c", "echo 123456789 > /file");
        var containers = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Size = true });
        var c = Assert.Single(containers);
        Assert.True(c.SizeRw >= 10, $"SizeRw {c.SizeRw}");
        Assert.True(c.SizeRootFs > c.SizeRw);
        Assert.Matches(@"^\d+B \(virtual [0-9.]+[kM]B\)$", await Ok("ps", "-a", "-s", "--format", "{{.Size}}"));

        using var http = UnixHttp.Client(_d.Socket);
        using var df = JsonDocument.Parse(await http.GetStringAsync("/system/df"));
        var listed = Assert.Single(df.RootElement.GetProperty("Containers").EnumerateArray());
        Assert.Equal(c.SizeRw, listed.GetProperty("SizeRw").GetInt64());
        Assert.Equal(c.SizeRootFs, listed.GetProperty("SizeRootFs").GetInt64());
        Assert.Equal("/writer", listed.GetProperty("Names")[0].GetString());
    }

    [Fact]
    public async Task An_ambiguous_id_prefix_is_refused_with_dockerds_400()
    {
        var ids = new List<string>();
        for (var i = 0; i < 17; i++) ids.Add(await Ok("create", "busybox", "true"));
        var prefix = ids.GroupBy(id => id[..1]).First(g => g.Count() > 1).Key;

        Assert.Contains($"multiple IDs found with provided prefix: {prefix}", await Fails("inspect", "--type", "container", prefix));
        using var http = UnixHttp.Client(_d.Socket);
        var response = await http.PostAsync($"/containers/{prefix}/start", null);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Info_counts_running_paused_and_stopped_containers()
    {
        await Ok("run", "-d", "--name", "r1", "busybox", "sleep", "1000");
        await Ok("run", "-d", "--name", "p1", "busybox", "sleep", "1000");
        await Ok("pause", "p1");
        await Ok("create", "--name", "s1", "busybox", "true");
        Assert.Equal("3 1 1 1", await Ok("info", "--format", "{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}"));
    }

    [Fact]
    public async Task Logs_since_and_until_cut_the_log_at_the_given_times()
    {
        await Ok("run", "--name", "timed", "busybox", "sh", "-c", "echo early; sleep 1.2; echo late");
        var stamped = (await Ok("logs", "-t", "timed")).Split('\n');
        var early = DateTimeOffset.Parse(stamped[0].Split(' ')[0], CultureInfo.InvariantCulture);
        var cut = early.AddSeconds(0.6).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        Assert.Equal("late", await Ok("logs", "--since", cut, "timed"));
        Assert.Equal("early", await Ok("logs", "--until", cut, "timed"));
    }

    [Fact]
    public async Task Wait_next_exit_answers_at_the_next_exit_and_removed_after_the_removal()
    {
        await Ok("run", "-d", "--name", "waited", "busybox", "sleep", "1000");
        using var http = UnixHttp.Client(_d.Socket);
        // The headers come once the daemon holds the waiter, so what follows cannot overtake it.
        using var nextExit = await Waiting(http, "waited", "next-exit");
        await Ok("kill", "waited");
        Assert.Equal(137, await StatusCode(nextExit));

        await Ok("start", "waited");
        using var removed = await Waiting(http, "waited", "removed");
        var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/containers/waited?force=1"));
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(137, await StatusCode(removed));
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    private static Task<HttpResponseMessage> Waiting(HttpClient http, string name, string condition) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/containers/{name}/wait?condition={condition}"), HttpCompletionOption.ResponseHeadersRead);

    private static async Task<int> StatusCode(HttpResponseMessage wait)
    {
        using var body = JsonDocument.Parse(await wait.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("StatusCode").GetInt32();
    }
}
