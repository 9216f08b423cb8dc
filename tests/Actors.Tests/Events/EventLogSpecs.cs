using Akka.Actor;
using Akka.Configuration;
using Berth.Actors.Events;
using Berth.Actors.Protocol;
using Berth.Actors.Tests.Node;
using Berth.TestSupport;
using Microsoft.Data.Sqlite;

namespace Berth.Actors.Tests.Events;

/// <summary>
/// The event log on berthd's store (Akka.Persistence.Sql on SQLite): each event is one tagged journal row, the history
/// is a read-journal query by tag (no second store, no window in memory), and retention deletes the old rows.
/// </summary>
public sealed class EventLogSpecs : Akka.TestKit.Xunit.TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir;

    public EventLogSpecs() : this(new TempDir("berth-eventlog")) { }

    private EventLogSpecs(TempDir dir) : base(ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.actor.serializers.berth = "{{typeof(Berth.Actors.Protocol.Serialization.BerthJsonSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings { "{{typeof(IBerthMessage).AssemblyQualifiedName}}" = berth }
        {{SqliteStore.Hocon(dir.Path)}}
        """))
    {
        _dir = dir;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public void The_history_holds_the_events_between_since_and_until_in_the_order_they_were_recorded()
    {
        var log = StartLog();
        foreach (var (nano, type) in new[] { (10L, "container"), (30L, "image"), (20L, "container"), (40L, "container") })
            log.Tell(new RecordEvent(At(nano, type)));

        // Asked right after the records: the log flushes them to the journal before it queries.
        log.Tell(new QueryEvents(20, 30));
        Assert.Equal([30L, 20L], ExpectMsg<EventsFound>(Long).Events.Select(e => e.TimeNano));
        log.Tell(new QueryEvents(0, long.MaxValue));
        Assert.Equal([10L, 30L, 20L, 40L], ExpectMsg<EventsFound>(Long).Events.Select(e => e.TimeNano));
    }

    [Fact]
    public void A_new_log_on_the_same_store_answers_the_same_history()
    {
        var log = StartLog();
        log.Tell(new RecordEvent(At(10, "container")));
        log.Tell(new RecordEvent(At(20, "image")));
        log.Tell(FlushEvents.Instance);
        ExpectMsg<EventsFlushed>(Long);
        Watch(log);
        Sys.Stop(log);
        ExpectTerminated(log, Long);

        var again = StartLog();
        again.Tell(new QueryEvents(0, long.MaxValue));
        var found = ExpectMsg<EventsFound>(Long).Events;
        Assert.Equal([("container", 10L), ("image", 20L)], found.Select(e => (e.Type, e.TimeNano)));
        Assert.Equal("c1", found[0].ActorId);
        // And it writes after them: a third event joins the history instead of replacing one.
        again.Tell(new RecordEvent(At(30, "container")));
        again.Tell(new QueryEvents(0, long.MaxValue));
        Assert.Equal([10L, 20L, 30L], ExpectMsg<EventsFound>(Long).Events.Select(e => e.TimeNano));
    }

    [Fact]
    public void Every_stored_event_carries_the_engine_event_tag_and_its_type_in_the_tag_table()
    {
        var log = StartLog();
        log.Tell(new RecordEvent(At(10, "container")));
        log.Tell(new RecordEvent(At(20, "container")));
        log.Tell(new RecordEvent(At(30, "image")));
        log.Tell(FlushEvents.Instance);
        ExpectMsg<EventsFlushed>(Long);

        Assert.Equal(3, Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'events'"));
        Assert.Equal(3, Scalar($"SELECT COUNT(*) FROM tags WHERE persistence_id = 'events' AND tag = '{EventTags.EngineEvent}'"));
        Assert.Equal(2, Scalar("SELECT COUNT(*) FROM tags WHERE persistence_id = 'events' AND tag = 'container'"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM tags WHERE persistence_id = 'events' AND tag = 'image'"));
        // Tags name rows of the journal: each image tag is on the row whose event is the image's.
        Assert.Equal(1, Scalar("""
            SELECT COUNT(*) FROM tags t JOIN journal j ON j.ordering = t.ordering_id
            WHERE t.tag = 'image' AND j.persistence_id = 'events' AND j.sequence_number = 3
            """));
    }

    [Fact]
    public void Retention_deletes_the_journal_rows_older_than_the_last_capacity_events()
    {
        const int capacity = 100;
        var log = StartLog(capacity);
        for (var i = 1; i <= 99; i++) log.Tell(new RecordEvent(At(i, "container")));
        log.Tell(FlushEvents.Instance);
        ExpectMsg<EventsFlushed>(Long);
        Assert.Equal(99, Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'events'"));

        // Trims run every `capacity` events: at 200 the rows up to 100 go, at 300 those up to 200.
        for (var i = 100; i <= 350; i++) log.Tell(new RecordEvent(At(i, "container")));
        log.Tell(FlushEvents.Instance);
        ExpectMsg<EventsFlushed>(Long);
        // Deletes are done by the journal after the writes; Akka.Persistence.Sql keeps the highest deleted row, marked
        // deleted, so the sequence number survives: 201..350 and the marker at 200.
        AwaitCondition(() => Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'events'") == 151, Long);
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'events' AND deleted"));
        // Their tags go with them: none is left without its row (the marker keeps its own, as the plugin does).
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM tags WHERE ordering_id NOT IN (SELECT ordering FROM journal)"));
        Assert.Equal(150, Scalar($"SELECT COUNT(*) FROM tags t JOIN journal j ON j.ordering = t.ordering_id WHERE NOT j.deleted AND t.tag = '{EventTags.EngineEvent}'"));

        log.Tell(new QueryEvents(0, long.MaxValue));
        var history = ExpectMsg<EventsFound>(Long).Events;
        Assert.Equal(Enumerable.Range(201, 150).Select(i => (long)i), history.Select(e => e.TimeNano));
    }

    private IActorRef StartLog(int capacity = EventLogActor.DefaultCapacity) =>
        Sys.ActorOf(Props.Create(() => new EventLogActor(SqliteStore.ReadJournalId, capacity)), EventLogActor.Name);

    private static EngineEvent At(long nano, string type) =>
        new(type, "create", type == "image" ? "sha256:i1" : "c1", new Dictionary<string, string> { ["name"] = "n" }, nano);

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "berth.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
