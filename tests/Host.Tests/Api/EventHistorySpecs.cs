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

    [Fact]
    public async Task Following_from_the_past_shows_the_history_then_the_live_events_each_once_in_order()
    {
        // Seconds with a fraction, as the CLI sends them: after the import's events, before the tags.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var since = $"{now / 1000}.{now % 1000:D3}000000";
        using var http = UnixHttp.Client(_d.Socket);
        for (var i = 1; i <= 3; i++) await Tag($"past:{i}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await http.GetAsync($"/v1.41/events?since={since}&filters=%7B%22event%22%3A%5B%22tag%22%5D%7D",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var names = new List<string>();
        async Task Read(int until)
        {
            while (names.Count < until && await lines.ReadLineAsync(timeout.Token) is { } line)
                names.Add(JsonDocument.Parse(line).RootElement.GetProperty("Actor").GetProperty("Attributes").GetProperty("name").GetString()!);
        }
        // The history (read from the journal) first; then, on the same stream, what happens from now on.
        await Read(3);
        for (var i = 1; i <= 2; i++) await Tag($"live:{i}");
        await Read(5);
        Assert.Equal(["past:1", "past:2", "past:3", "live:1", "live:2"], names);

        async Task Tag(string reference)
        {
            var colon = reference.IndexOf(':');
            var tag = await http.PostAsync($"/v1.41/images/busybox/tag?repo={reference[..colon]}&tag={reference[(colon + 1)..]}", null);
            Assert.True(tag.IsSuccessStatusCode, await tag.Content.ReadAsStringAsync());
        }
    }
}
