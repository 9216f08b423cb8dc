using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Health checks through the real docker CLI (--health-*) and Docker.DotNet: probes run inside the container, status,
/// streak and log in inspect, ps STATUS and the health filter, health_status events, and berth's health-on-failure.
/// The probe tests a file the spec creates and removes through /proc/{pid}/root, so the outcome never depends on timing.
/// </summary>
public sealed class HealthcheckSpecs : SelfHealingDaemon
{
    [Fact]
    public async Task A_health_check_turns_unhealthy_then_healthy_then_unhealthy_with_streak_log_ps_status_filter_and_events()
    {
        var name = Name("health");
        await Ok("run", "-d", "--name", name, "--health-cmd", "echo probing; test -f /tmp/ok", "--health-interval", "200ms",
            "--health-retries", "2", "busybox", "sleep", "1000");
        var pid = (await Inspect(name)).GetProperty("State").GetProperty("Pid").GetInt32();
        var okFile = $"/proc/{pid}/root/tmp/ok";

        var c = await Until(name, c => Health(c) == "unhealthy", "unhealthy without /tmp/ok");
        var health = c.GetProperty("State").GetProperty("Health");
        Assert.True(health.GetProperty("FailingStreak").GetInt32() >= 2);
        var last = health.GetProperty("Log").EnumerateArray().Last();
        Assert.Equal(1, last.GetProperty("ExitCode").GetInt32());
        Assert.Equal("probing\n", last.GetProperty("Output").GetString());
        Assert.Equal("(unhealthy)", (await Ok("ps", "--filter", "name=" + name, "--format", "{{.Status}}")).Split(' ')[^1]);

        await File.WriteAllTextAsync(okFile, "");
        c = await Until(name, c => Health(c) == "healthy", "healthy once /tmp/ok exists");
        health = c.GetProperty("State").GetProperty("Health");
        Assert.Equal(0, health.GetProperty("FailingStreak").GetInt32());
        Assert.Equal(0, health.GetProperty("Log").EnumerateArray().Last().GetProperty("ExitCode").GetInt32());
        Assert.InRange(health.GetProperty("Log").GetArrayLength(), 1, 5);
        Assert.EndsWith("(healthy)", await Ok("ps", "--filter", "name=" + name, "--format", "{{.Status}}"));
        Assert.Equal(name, await Ok("ps", "--filter", "health=healthy", "--filter", "name=" + name, "--format", "{{.Names}}"));
        Assert.Equal("", await Ok("ps", "--filter", "health=unhealthy", "--filter", "name=" + name, "--format", "{{.Names}}"));

        File.Delete(okFile);
        await Until(name, c => Health(c) == "unhealthy", "unhealthy again once /tmp/ok is gone");

        var actions = (await Events(name)).Select(e => e.Split('|')[0]).Where(a => a.StartsWith("health_status")).ToList();
        Assert.Equal(["health_status: unhealthy", "health_status: healthy", "health_status: unhealthy"], actions);
        Assert.Equal(0, RestartCount(await Inspect(name))); // no health-on-failure: nothing else happens
    }

    [Fact]
    public async Task A_container_is_starting_until_its_first_probe_and_docker_dotnet_sees_the_healthcheck_config()
    {
        var name = Name("starting");
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name, Image = "busybox", Cmd = ["sleep", "1000"],
            Healthcheck = new HealthConfig { Test = ["CMD", "true"], Interval = TimeSpan.FromHours(1), Retries = 4 },
        });
        await client.Containers.StartContainerAsync(name, new ContainerStartParameters());

        var inspected = await client.Containers.InspectContainerAsync(name);
        Assert.Equal("starting", inspected.State.Health.Status);
        Assert.Equal(0, inspected.State.Health.FailingStreak);
        Assert.Equal(["CMD", "true"], inspected.Config.Healthcheck.Test);
        Assert.Equal(4, inspected.Config.Healthcheck.Retries);
        Assert.EndsWith("(health: starting)", await Ok("ps", "--filter", "name=" + name, "--format", "{{.Status}}"));
        Assert.Equal(name, await Ok("ps", "--filter", "health=starting", "--filter", "name=" + name, "--format", "{{.Names}}"));
    }

    [Fact]
    public async Task No_healthcheck_means_no_health_and_the_none_filter_lists_the_container()
    {
        var name = Name("nohealth");
        await Ok("run", "-d", "--name", name, "--no-healthcheck", "busybox", "sleep", "1000");
        var c = await Inspect(name);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("State").GetProperty("Health").ValueKind);
        Assert.Equal(name, await Ok("ps", "--filter", "health=none", "--filter", "name=" + name, "--format", "{{.Names}}"));
        var bad = await Docker("ps", "--filter", "health=sick");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("Unrecognised filter value for health: sick", bad.Stderr);
    }

    [Fact]
    public async Task The_health_on_failure_restart_label_restarts_an_unhealthy_container_and_says_why()
    {
        var name = Name("selfheal");
        await Ok("run", "-d", "--name", name, "--label", "berth.health-on-failure=restart", "--stop-timeout", "1",
            "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms", "--health-retries", "1", "busybox", "sleep", "1000");

        var c = await Until(name, c => RestartCount(c) >= 1 && Status(c) == "running", "restarted after becoming unhealthy");
        Assert.Equal("no", c.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString());

        var events = await Events(name);
        Assert.Contains(events, e => e.StartsWith("health_status: unhealthy|"));
        Assert.Contains(events, e => e.StartsWith("health_on_failure: restart|") && e.Contains("berth.reason=unhealthy"));
        Assert.Contains(events, e => e.StartsWith("restart|") && e.Contains("berth.restart-reason=unhealthy"));
        var order = events.Select(e => e.Split('|')[0]).ToList();
        Assert.True(order.IndexOf("health_on_failure: restart") < order.LastIndexOf("die"), string.Join("\n", order));
    }

    [Fact]
    public async Task A_probe_that_outlives_its_timeout_fails_with_dockers_message()
    {
        var name = Name("timeout");
        await Ok("run", "-d", "--name", name, "--health-cmd", "sleep 1000", "--health-timeout", "300ms", "--health-interval", "200ms",
            "--health-retries", "1", "busybox", "sleep", "1000");
        var c = await Until(name, c => Health(c) == "unhealthy", "unhealthy after a timed-out probe");
        var last = c.GetProperty("State").GetProperty("Health").GetProperty("Log").EnumerateArray().Last();
        Assert.Equal(-1, last.GetProperty("ExitCode").GetInt32());
        Assert.Equal("Health check exceeded timeout (300ms)", last.GetProperty("Output").GetString());
    }

    [Fact]
    public async Task A_probe_runs_under_the_containers_shim_and_berthd_starts_no_process_for_it()
    {
        var name = Name("noforks");
        await Ok("run", "-d", "--name", name, "--health-cmd", "touch /tmp/probing; sleep 1000", "--health-interval", "200ms",
            "--health-timeout", "10m", "busybox", "sleep", "1000");
        var pid = (await Inspect(name)).GetProperty("State").GetProperty("Pid").GetInt32();
        var probing = $"/proc/{pid}/root/tmp/probing";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(probing))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the probe never ran\nberthd:\n{Daemon.Log}");
            await Task.Delay(50);
        }

        // The probe is running now (it sleeps until its 10-minute timeout): whatever runs it is not berthd's child.
        var children = Children(Daemon.Pid);
        Assert.True(children.Count == 0, "berthd has child processes: " + string.Join(", ", children.Select(Command)));
    }

    /// <summary>The pids whose parent is <paramref name="pid"/>, from every thread's children list.</summary>
    private static List<string> Children(int pid) =>
        [.. Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static string Command(string pid)
    {
        try { return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})"; }
        catch (IOException) { return pid + " (gone)"; }
    }

    [Fact]
    public async Task An_unknown_health_on_failure_value_is_refused_with_400()
    {
        var r = await Docker("create", "--label", "berth.health-on-failure=reboot", "busybox", "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("invalid berth.health-on-failure \"reboot\"", r.Stderr);
    }

    private static string? Health(JsonElement c) =>
        c.GetProperty("State").TryGetProperty("Health", out var h) && h.ValueKind == JsonValueKind.Object ? h.GetProperty("Status").GetString() : null;
}
