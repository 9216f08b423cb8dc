using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Berth.Actors.Protocol;
using Berth.Host.Persistence;
using Berth.TestSupport;

namespace Berth.Host.Tests.Persistence;

/// <summary>
/// The journal and snapshot store as an event-sourced actor sees them, on both stores: what is persisted comes back
/// in order after the actor system restarts, deletion never lets a sequence number be reused, snapshots shorten the
/// replay, a write that cannot be serialized is rejected alone, and many actors writing at once all recover.
/// </summary>
public abstract class BerthJournalSpecs
{
    protected abstract Task<(string Provider, string Connection)> Store();

    [Fact]
    public async Task Persisted_events_are_replayed_in_order_after_the_actor_system_restarts()
    {
        var store = await Store();
        await using (var first = Node.Start(store))
        {
            var ledger = first.Ledger("ledger-1");
            foreach (var e in new[] { "a", "b", "c" }) await ledger.Ask<Done>(new Add(e), Node.Timeout);
        }
        await using var second = Node.Start(store);
        var seen = await second.Ledger("ledger-1").Ask<Seen>(Show.Instance, Node.Timeout);
        Assert.Equal(["a", "b", "c"], seen.Entries);
        Assert.Equal(3, seen.LastSequenceNr);
    }

    [Fact]
    public async Task Deleted_events_are_not_replayed_and_their_sequence_numbers_are_never_reused()
    {
        var store = await Store();
        await using (var first = Node.Start(store))
        {
            var ledger = first.Ledger("ledger-2");
            foreach (var e in new[] { "a", "b", "c" }) await ledger.Ask<Done>(new Add(e), Node.Timeout);
            await ledger.Ask<Done>(new Forget(long.MaxValue), Node.Timeout);
        }
        await using var second = Node.Start(store);
        var ledger2 = second.Ledger("ledger-2");
        var seen = await ledger2.Ask<Seen>(Show.Instance, Node.Timeout);
        Assert.Empty(seen.Entries);
        Assert.Equal(3, seen.LastSequenceNr);
        await ledger2.Ask<Done>(new Add("d"), Node.Timeout);
        Assert.Equal(4, (await ledger2.Ask<Seen>(Show.Instance, Node.Timeout)).LastSequenceNr);
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_only_the_events_after_it()
    {
        var store = await Store();
        await using (var first = Node.Start(store))
        {
            var ledger = first.Ledger("ledger-3");
            await ledger.Ask<Done>(new Add("a"), Node.Timeout);
            await ledger.Ask<Done>(new Add("b"), Node.Timeout);
            await ledger.Ask<Done>(Snap.Instance, Node.Timeout);
            await ledger.Ask<Done>(new Add("c"), Node.Timeout);
        }
        await using var second = Node.Start(store);
        var seen = await second.Ledger("ledger-3").Ask<Seen>(Show.Instance, Node.Timeout);
        Assert.Equal(["a", "b", "c"], seen.Entries);
        Assert.Equal(2, seen.FromSnapshotAt);
        Assert.Equal(1, seen.Replayed);
    }

    [Fact]
    public async Task An_event_that_cannot_be_serialized_is_rejected_and_the_next_one_is_stored()
    {
        var store = await Store();
        await using (var first = Node.Start(store))
        {
            var ledger = first.Ledger("ledger-4");
            var rejected = await ledger.Ask<Rejected>(new AddUnserializable(), Node.Timeout);
            Assert.Contains("cannot be written", rejected.Reason);
            await ledger.Ask<Done>(new Add("after"), Node.Timeout);
        }
        await using var second = Node.Start(store);
        var seen = await second.Ledger("ledger-4").Ask<Seen>(Show.Instance, Node.Timeout);
        Assert.Equal(["after"], seen.Entries);
    }

    [Fact]
    public async Task Fifty_actors_persisting_at_once_all_recover_every_event()
    {
        var store = await Store();
        await using (var first = Node.Start(store))
        {
            var ledgers = Enumerable.Range(0, 50).Select(i => first.Ledger($"many-{i}")).ToList();
            await Task.WhenAll(ledgers.Select(async (l, i) =>
            {
                for (var n = 0; n < 5; n++) await l.Ask<Done>(new Add($"{i}.{n}"), Node.Timeout);
            }));
        }
        await using var second = Node.Start(store);
        for (var i = 0; i < 50; i++)
        {
            var seen = await second.Ledger($"many-{i}").Ask<Seen>(Show.Instance, Node.Timeout);
            Assert.Equal(Enumerable.Range(0, 5).Select(n => $"{i}.{n}"), seen.Entries);
        }
    }

    [Fact]
    public async Task A_retired_persistence_id_leaves_no_row_in_any_table()
    {
        var store = await Store();
        await using (var node = Node.Start(store))
        {
            var ledger = node.Ledger("retired-1");
            await ledger.Ask<Done>(new Add("a"), Node.Timeout);
            await ledger.Ask<Done>(Snap.Instance, Node.Timeout);
            await ledger.Ask<Done>(new Forget(long.MaxValue), Node.Timeout);
            Assert.Equal(2, await Rows(store, "retired-1")); // the snapshot and the highest event, kept marked deleted
            await ledger.Ask<Done>(Retire.Instance, Node.Timeout);
            // The journal applies its commands in order: once a later write is stored, the retirement is too.
            await node.Ledger("retired-marker").Ask<Done>(new Add("later"), Node.Timeout);
        }
        Assert.Equal(0, await Rows(store, "retired-1"));
    }

    /// <summary>Rows of one persistence id in every table of the Sql plugin (journal, tags, metadata, snapshots), read with SQL.</summary>
    public static async Task<long> Rows((string Provider, string Connection) store, string persistenceId)
    {
        await using var connection = StoreConnection.Open(store.Provider, store.Connection);
        await connection.OpenAsync();
        long rows = 0;
        foreach (var table in StoreConnection.Tables)
        {
            await using var count = StoreConnection.Command(connection, null, $"SELECT COUNT(*) FROM {table} WHERE persistence_id = @pid", ("@pid", persistenceId));
            rows += Convert.ToInt64(await count.ExecuteScalarAsync());
        }
        return rows;
    }

    private sealed record Add(string Entry);
    private sealed record Retire { public static readonly Retire Instance = new(); }
    private sealed record AddUnserializable;
    private sealed record Forget(long ToSequenceNr);
    private sealed record Snap { public static readonly Snap Instance = new(); }
    private sealed record Show { public static readonly Show Instance = new(); }
    private sealed record Done { public static readonly Done Instance = new(); }
    private sealed record Rejected(string Reason);
    private sealed record Seen(IReadOnlyList<string> Entries, long LastSequenceNr, long FromSnapshotAt, int Replayed);

    /// <summary>An event whose serialization throws, the way a broken payload would.</summary>
    public sealed class Unserializable
    {
        public string Value => throw new InvalidOperationException("this payload cannot be written");
    }

    /// <summary>A persistent list of strings: the smallest event-sourced actor that exercises every journal call.</summary>
    private sealed class Ledger : ReceivePersistentActor
    {
        private readonly List<string> _entries = [];
        private long _fromSnapshotAt;
        private int _replayed;
        private IActorRef? _pendingReply;

        public override string PersistenceId { get; }

        public Ledger(string id)
        {
            PersistenceId = id;
            Recover<SnapshotOffer>(o => { _entries.AddRange((string[])o.Snapshot); _fromSnapshotAt = o.Metadata.SequenceNr; });
            Recover<string>(e => { _entries.Add(e); _replayed++; });
            Command<Add>(a => Persist(a.Entry, e => { _entries.Add(e); Sender.Tell(Done.Instance); }));
            Command<AddUnserializable>(_ => { _pendingReply = Sender; Persist(new Unserializable(), _ => { }); });
            Command<Forget>(f => { _pendingReply = Sender; DeleteMessages(f.ToSequenceNr); });
            Command<DeleteMessagesSuccess>(_ => _pendingReply?.Tell(Done.Instance));
            Command<Snap>(_ => { _pendingReply = Sender; SaveSnapshot(_entries.ToArray()); });
            Command<SaveSnapshotSuccess>(_ => _pendingReply?.Tell(Done.Instance));
            Command<Retire>(_ => { Journal.Tell(new RetirePersistenceId(PersistenceId)); Sender.Tell(Done.Instance); });
            Command<Show>(_ => Sender.Tell(new Seen(_entries.ToList(), LastSequenceNr, _fromSnapshotAt, _replayed)));
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
            _pendingReply?.Tell(new Rejected(cause.ToString()));
    }

    /// <summary>An actor system whose default journal and snapshot store are berth's, on the given store.</summary>
    private sealed class Node : IAsyncDisposable
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly ActorSystem _system;

        private Node(ActorSystem system) => _system = system;

        public static Node Start((string Provider, string Connection) store) =>
            new(ActorSystem.Create("journal-spec",
                ConfigurationFactory.ParseString(JournalPlugins.Hocon(store.Provider, store.Connection) + "\nakka.loglevel = ERROR\nakka.stdout-loglevel = ERROR")));

        public IActorRef Ledger(string id) => _system.ActorOf(Props.Create(() => new Ledger(id)));

        public async ValueTask DisposeAsync() => await _system.Terminate();
    }
}

public sealed class SqliteBerthJournalSpecs : BerthJournalSpecs, IDisposable
{
    private readonly TempDir _dir = new("berth-test-journal");

    protected override Task<(string, string)> Store() => Task.FromResult(("sqlite", $"Data Source={_dir.Combine("berth.db")}"));

    public void Dispose() => _dir.Dispose();
}

/// <summary>The same specifications on a private PostgreSQL server the test starts on loopback.</summary>
public sealed class PostgresBerthJournalSpecs : BerthJournalSpecs, IAsyncLifetime
{
    private Postgres _pg = null!;

    public async ValueTask InitializeAsync() => _pg = await Postgres.Start();
    public async ValueTask DisposeAsync() => await _pg.DisposeAsync();

    protected override Task<(string, string)> Store() => Task.FromResult(("postgresql", _pg.ConnectionString));
}
