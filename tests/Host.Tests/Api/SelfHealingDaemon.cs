using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>A berthd with busybox imported, plus the docker CLI and polling helpers the restart and health specs share.</summary>
public abstract class SelfHealingDaemon : IAsyncLifetime
{
    private readonly TempDir _dir = new("berth-test-heal");
    private readonly List<string> _containers = [];

    protected Berthd Daemon { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Daemon = await Berthd.Start(_dir);
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _containers) await Docker("rm", "-f", name);
        await Daemon.DisposeAsync();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>SIGTERM to berthd, then a new berthd on the same roots (containers keep running: live restore).</summary>
    protected async Task RestartDaemon()
    {
        await Daemon.DisposeAsync();
        Daemon = await Berthd.Start(_dir);
    }

    /// <summary>A container name unique to this run, removed (with -f) when the spec ends.</summary>
    protected string Name(string stem)
    {
        var name = $"{stem}-{Guid.NewGuid().ToString("N")[..8]}";
        _containers.Add(name);
        return name;
    }

    protected Task<Run.Result> Docker(params string[] args) => Run.Docker(Daemon.Host, args);

    protected async Task<string> Ok(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\nberthd:\n{Daemon.Log}");
        return r.Stdout.Trim();
    }

    protected async Task<JsonElement> Inspect(string name)
    {
        using var doc = JsonDocument.Parse(await Ok("inspect", name));
        return doc.RootElement[0].Clone();
    }

    /// <summary>Polls inspect until <paramref name="done"/> holds; fails with the last inspect after a generous deadline.</summary>
    protected async Task<JsonElement> Until(string name, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var c = await Inspect(name);
            if (done(c)) return c;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{name} never reached: {what}\nlast inspect: {c}\nberthd:\n{Daemon.Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>docker events for one container so far, one "Action|attr=value,..." line each.</summary>
    protected async Task<IReadOnlyList<string>> Events(string name)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        var lines = await Ok("events", "--since", "0", "--until", until, "--filter", "container=" + name, "--format", "{{json .}}");
        return lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            using var e = JsonDocument.Parse(l);
            var attrs = e.RootElement.GetProperty("Actor").GetProperty("Attributes").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}");
            return e.RootElement.GetProperty("Action").GetString() + "|" + string.Join(",", attrs);
        }).ToList();
    }

    protected static string Status(JsonElement c) => c.GetProperty("State").GetProperty("Status").GetString()!;

    protected static int RestartCount(JsonElement c) => c.GetProperty("RestartCount").GetInt32();
}
