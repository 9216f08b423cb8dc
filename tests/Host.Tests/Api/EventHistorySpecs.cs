using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>Events are persisted: `docker events --since --until` after a daemon restart still shows them; berth events formats them like docker.</summary>
public sealed class EventHistorySpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly TempDir _daemonDir = new("berth-test-ev");
    private Berthd _d = null!;

    public async ValueTask InitializeAsync()
    {
        _d = await Berthd.Start(_daemonDir);
        var rootfs = await Busybox.RootfsTar(_dir);
        var r = await Run.Docker(_d.Host, "import", rootfs, "busybox");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _d.DisposeAsync();
        _daemonDir.Dispose();
        _dir.Dispose();
    }

    private Task<Run.Result> Berth(params string[] args) =>
        Run.Program(Repo.Binary("berth"), ["-H", _d.Host, .. args], new Dictionary<string, string> { ["TZ"] = "UTC" });

    [Fact]
    public async Task Events_from_before_a_restart_are_replayed_and_berth_prints_them_like_docker()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var run = await Run.Docker(_d.Host, "run", "--rm", "--name", "evt", "busybox", "true");
        Assert.True(run.ExitCode == 0, run.ToString());

        await _d.Stop();
        _d = await Berthd.Start(_daemonDir);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        var docker = await Run.Docker(_d.Host, "events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "type=container", "--format", "{{json .}}");
        Assert.True(docker.ExitCode == 0, docker.ToString());
        var actions = docker.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Action").GetString()).ToList();
        Assert.Equal(["create", "attach", "start", "die", "destroy"], actions.Where(a => a is "create" or "attach" or "start" or "die" or "destroy"));

        var formatted = await Berth("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "type=container",
            "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}");
        Assert.True(formatted.ExitCode == 0, formatted.ToString());
        Assert.Contains("container start evt", formatted.Stdout.Split('\n'));

        var plain = await Berth("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "event=start");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container start [0-9a-f]{64} \(image=busybox, name=evt\)\n$", plain.Stdout);

        var json = await Berth("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "event=die", "--format", "json");
        Assert.Equal("0", JsonDocument.Parse(json.Stdout).RootElement.GetProperty("Actor").GetProperty("Attributes").GetProperty("exitCode").GetString());
    }
}
