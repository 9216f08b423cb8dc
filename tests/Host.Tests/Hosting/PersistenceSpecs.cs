using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Protocol;
using Berth.Host.Configuration;
using Berth.Host.Hosting;
using Berth.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Host.Tests.Hosting;

/// <summary>The same spec on both stores: an actor persists, the actor system restarts, the actor recovers.</summary>
public abstract class PersistenceSpecs
{
    protected abstract Task<PersistenceOptions> Store();

    private static async Task<(IHost Host, IActorRef Events)> StartSystem(PersistenceOptions store, string dataRoot)
    {
        var options = new DaemonOptions { DataRoot = dataRoot, Persistence = store };
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBerthActors(options);
        var host = builder.Build();
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        return (host, await registry.GetAsync<EventLogKey>());
    }

    [Fact]
    public async Task The_event_log_recovers_its_events_after_the_actor_system_restarts()
    {
        using var dir = new TempDir();
        var store = await Store();
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var recorded = new EngineEvent("container", "create", "abc123", new Dictionary<string, string> { ["name"] = "web", ["image"] = "busybox" }, stamp);

        var (host, events) = await StartSystem(store, dir.Path);
        events.Tell(new RecordEvent(recorded));
        var seen = await events.Ask<EventsFound>(new QueryEvents(stamp, long.MaxValue), TimeSpan.FromSeconds(30));
        Assert.Single(seen.Events);
        await host.StopAsync();
        host.Dispose();

        var (again, recovered) = await StartSystem(store, dir.Path);
        try
        {
            var found = await recovered.Ask<EventsFound>(new QueryEvents(stamp, long.MaxValue), TimeSpan.FromSeconds(30));
            var e = Assert.Single(found.Events);
            Assert.Equal(recorded.Type, e.Type);
            Assert.Equal(recorded.Action, e.Action);
            Assert.Equal(recorded.ActorId, e.ActorId);
            Assert.Equal(recorded.TimeNano, e.TimeNano);
            Assert.Equal("web", e.Attributes["name"]);
        }
        finally
        {
            await again.StopAsync();
            again.Dispose();
        }
    }
}

public sealed class SqlitePersistenceSpecs : PersistenceSpecs
{
    protected override Task<PersistenceOptions> Store() => Task.FromResult(new PersistenceOptions { Provider = "sqlite" });

    [Fact]
    public async Task The_sqlite_journal_lives_in_the_data_root()
    {
        using var dir = new TempDir();
        await using var d = await Berthd.Start(dir);
        var r = await Run.Docker(d.Host, "version");
        Assert.Equal(0, r.ExitCode);
        // The event log recovers at start, which opens (and creates) the journal.
        var db = Path.Combine(d.DataRoot, "berth.db");
        for (var i = 0; i < 300 && !File.Exists(db); i++) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(db), d.Log);
    }
}

/// <summary>Runs against a private PostgreSQL server that the test starts on loopback.</summary>
public sealed class PostgresPersistenceSpecs : PersistenceSpecs, IAsyncLifetime
{
    private Postgres _pg = null!;

    public async ValueTask InitializeAsync() => _pg = await Postgres.Start();
    public async ValueTask DisposeAsync() => await _pg.DisposeAsync();

    protected override Task<PersistenceOptions> Store() =>
        Task.FromResult(new PersistenceOptions { Provider = "postgresql", ConnectionString = _pg.ConnectionString });

    [Fact]
    public async Task Berthd_selected_to_postgresql_by_config_file_creates_its_tables_there()
    {
        using var dir = new TempDir();
        var config = dir.Combine("daemon.json");
        await File.WriteAllTextAsync(config, $$"""{ "persistence": { "provider": "postgresql", "connection-string": "{{_pg.ConnectionString}}" } }""");
        var (host, events) = await Start(dir.Combine("data"));
        try
        {
            events.Tell(new RecordEvent(new EngineEvent("image", "tag", "sha256:x", new Dictionary<string, string>(), 1)));
            var found = await events.Ask<EventsFound>(new QueryEvents(0, long.MaxValue), TimeSpan.FromSeconds(30));
            Assert.Equal(["sha256:x"], found.Events.Select(e => e.ActorId));
        }
        finally { await host.StopAsync(); host.Dispose(); }
        var psql = await Run.Program("/usr/bin/psql", ["-h", "127.0.0.1", "-p", _pg.Port.ToString(), "-U", "postgres", "-d", "berth", "-tAc",
            "select count(*) from journal where persistence_id = 'events'"], new Dictionary<string, string> { ["PGPASSWORD"] = "berth" });
        Assert.True(psql.ExitCode == 0, psql.ToString());
        Assert.True(int.Parse(psql.Stdout.Trim()) >= 1);
        // Stored tagged, in the tag table the history query reads: the engine-event tag and the event's type.
        var tags = await Run.Program("/usr/bin/psql", ["-h", "127.0.0.1", "-p", _pg.Port.ToString(), "-U", "postgres", "-d", "berth", "-tAc",
            "select t.tag from tags t join journal j on j.ordering = t.ordering_id where j.persistence_id = 'events' order by t.tag"],
            new Dictionary<string, string> { ["PGPASSWORD"] = "berth" });
        Assert.True(tags.ExitCode == 0, tags.ToString());
        Assert.Equal(["engine-event", "image"], tags.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        async Task<(IHost, IActorRef)> Start(string dataRoot)
        {
            var options = DaemonConfiguration.Build(DaemonArguments.Parse(["--config-file", config, "--data-root", dataRoot]));
            Assert.Equal("postgresql", options.Persistence.Provider);
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
            builder.Services.AddBerthActors(options);
            var h = builder.Build();
            await h.StartAsync();
            return (h, await h.Services.GetRequiredService<ActorRegistry>().GetAsync<EventLogKey>());
        }
    }
}
