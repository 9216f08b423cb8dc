using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>Restart policies through the real docker CLI and Docker.DotNet: on-failure:N, always, unless-stopped, docker's validation.</summary>
public sealed class RestartPolicySpecs : SelfHealingDaemon
{
    [Fact]
    public async Task On_failure_2_restarts_a_failing_container_twice_then_leaves_it_exited()
    {
        var name = Name("onfail");
        await Ok("run", "-d", "--restart", "on-failure:2", "--name", name, "busybox", "sh", "-c", "exit 3");

        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var c = await Until(name, c => Status(c) == "exited" && RestartCount(c) == 2, "exited after 2 restarts");
        var inspected = await client.Containers.InspectContainerAsync(name);
        Assert.Equal(2, inspected.RestartCount);
        Assert.Equal(3, inspected.State.ExitCode);
        Assert.Equal(RestartPolicyKind.OnFailure, inspected.HostConfig.RestartPolicy.Name);
        Assert.Equal(2, inspected.HostConfig.RestartPolicy.MaximumRetryCount);

        var events = await Events(name);
        Assert.Equal(3, events.Count(e => e.StartsWith("die|")));
        Assert.Equal(3, events.Count(e => e.StartsWith("start|")));
        var restarts = events.Where(e => e.StartsWith("restart|")).ToList();
        Assert.Equal(2, restarts.Count);
        Assert.All(restarts, r => Assert.Contains("berth.restart-reason=on-failure", r));
        Assert.Contains("restartCount=2", restarts[1]);
    }

    [Fact]
    public async Task One_restart_counts_as_one_in_inspect_and_in_the_events()
    {
        var name = Name("once");
        // The first run fails; the second finds its marker in the same rootfs and keeps running.
        await Ok("run", "-d", "--restart", "always", "--name", name, "busybox", "sh", "-c", "if [ -e /ran ]; then exec sleep 1000; fi; touch /ran; exit 1");
        var c = await Until(name, c => Status(c) == "running" && RestartCount(c) >= 1, "running after its one restart");

        Assert.Equal(1, RestartCount(c));
        Assert.Equal("1", await Ok("inspect", "-f", "{{.RestartCount}}", name));
        var events = await Events(name);
        Assert.Equal(2, events.Count(e => e.StartsWith("start|")));
        Assert.Contains("restartCount=1", Assert.Single(events, e => e.StartsWith("restart|")));
    }

    [Fact]
    public async Task Always_restarts_a_container_that_exits_until_the_user_stops_it()
    {
        var name = Name("always");
        // Each run lasts a moment so the stop meets a live process (a stop racing an exit is another matter).
        await Ok("run", "-d", "--restart", "always", "--name", name, "busybox", "sh", "-c", "sleep 0.5");
        await Until(name, c => RestartCount(c) >= 2 && Status(c) == "running", "running after two restarts");

        await Ok("stop", name);
        var stopped = await Until(name, c => Status(c) == "exited", "exited after docker stop");
        Assert.False(stopped.GetProperty("State").GetProperty("Restarting").GetBoolean());
        Assert.Contains("restart|", string.Join("\n", await Events(name)));
        Assert.Contains("berth.restart-reason=always", string.Join("\n", await Events(name)));
    }

    [Fact]
    public async Task A_stopped_unless_stopped_container_stays_stopped_across_a_daemon_restart_while_always_comes_back()
    {
        var unless = Name("unless");
        var always = Name("back");
        await Ok("run", "-d", "--restart", "unless-stopped", "--name", unless, "busybox", "sleep", "1000");
        await Ok("run", "-d", "--restart", "always", "--name", always, "busybox", "sleep", "1000");
        await Ok("stop", "-t", "0", unless);
        await Ok("stop", "-t", "0", always);
        Assert.Equal("exited", Status(await Inspect(unless)));
        Assert.Equal("exited", Status(await Inspect(always)));
        Assert.Equal(0, RestartCount(await Inspect(unless)));

        await RestartDaemon();

        await Until(always, c => Status(c) == "running", "running again after the daemon restart");
        // The daemon acted on both at start; the unless-stopped one is still down (and still has its container).
        var c = await Inspect(unless);
        Assert.Equal("exited", Status(c));
        Assert.Equal(0, RestartCount(c));
        var psNames = await Ok("ps", "--format", "{{.Names}}");
        Assert.Contains(always, psNames);
        Assert.DoesNotContain(unless, psNames);
    }

    [Fact]
    public async Task Docker_refuses_a_retry_count_without_on_failure_and_a_restart_policy_with_auto_remove()
    {
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var bad = await Assert.ThrowsAsync<DockerApiException>(() => client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "busybox", Cmd = ["true"],
            HostConfig = new HostConfig { RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.Always, MaximumRetryCount = 2 } },
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("invalid restart policy: maximum retry count can only be used with 'on-failure'", bad.ResponseBody);

        var autoRemove = await Assert.ThrowsAsync<DockerApiException>(() => client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "busybox", Cmd = ["true"],
            HostConfig = new HostConfig { AutoRemove = true, RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = 1 } },
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, autoRemove.StatusCode);
        Assert.Contains("can't create 'AutoRemove' container with restart policy", autoRemove.ResponseBody);
    }
}
