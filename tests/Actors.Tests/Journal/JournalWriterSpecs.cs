using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Berth.Actors.Journal;

namespace Berth.Actors.Tests.Journal;

/// <summary>
/// A parent that stores through a <see cref="JournalWriter"/> outlives a failed write: the asker hears the error at
/// once, the next write goes to a fresh writer, and what was stored replays in order.
/// </summary>
public sealed class JournalWriterSpecs : Akka.TestKit.Xunit.TestKit
{
    public JournalWriterSpecs() : base(ConfigurationFactory.ParseString($"""
        akka.persistence.journal.plugin = "akka.persistence.journal.full-disk"
        akka.persistence.journal.full-disk.class = "{typeof(FullDiskJournal).AssemblyQualifiedName}"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """)) { }

    private readonly string _id = "writer-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void A_failed_write_is_answered_with_its_cause_and_the_next_write_lands()
    {
        var parent = Sys.ActorOf(Props.Create(() => new StoringParent(_id, TestActor)));
        ExpectMsg<JournalWriter.Recovered>();

        parent.Tell(new JournalWriter.Append("a"));
        Assert.Equal("a", ExpectMsg<JournalWriter.Appended>().Event);

        FullDiskJournal.Full[_id] = true;
        parent.Tell(new JournalWriter.Append("b"));
        var failed = ExpectMsg<JournalWriter.AppendFailed>();
        Assert.Equal("b", failed.Event);
        Assert.True(failed.WriterStopped);
        Assert.Equal("write /full: no space left on device", StorageFault.Describe(failed.Cause));

        FullDiskJournal.Full.TryRemove(_id, out _);
        parent.Tell(new JournalWriter.Append("c"));
        Assert.Equal("c", ExpectMsg<JournalWriter.Appended>().Event);
    }

    [Fact]
    public void After_a_failed_write_the_stored_events_replay_in_order_without_the_failed_one()
    {
        var parent = Sys.ActorOf(Props.Create(() => new StoringParent(_id, TestActor)));
        ExpectMsg<JournalWriter.Recovered>();
        parent.Tell(new JournalWriter.Append("a"));
        ExpectMsg<JournalWriter.Appended>();
        FullDiskJournal.Full[_id] = true;
        parent.Tell(new JournalWriter.Append("b"));
        ExpectMsg<JournalWriter.AppendFailed>();
        FullDiskJournal.Full.TryRemove(_id, out _);
        parent.Tell(new JournalWriter.Append("c"));
        ExpectMsg<JournalWriter.Appended>();
        Watch(parent);
        Sys.Stop(parent);
        ExpectTerminated(parent);

        Sys.ActorOf(Props.Create(() => new StoringParent(_id, TestActor)));
        Assert.Equal("a", ExpectMsg<JournalWriter.Replayed>().Payload);
        Assert.Equal("c", ExpectMsg<JournalWriter.Replayed>().Payload);
        ExpectMsg<JournalWriter.Recovered>();
    }

    /// <summary>Stores what it is told through its writer and tells the probe every answer and replay.</summary>
    private sealed class StoringParent : ReceiveActor
    {
        private readonly JournalSlot _journal;

        public StoringParent(string persistenceId, IActorRef probe)
        {
            _journal = new JournalSlot(Context, persistenceId);
            Receive<JournalWriter.Append>(a => _journal.Writer.Tell(a));
            Receive<JournalWriter.AppendFailed>(f => { _journal.Handle(f); probe.Tell(f); });
            Receive<Terminated>(t => _journal.Handle(t));
            ReceiveAny(probe.Tell);
        }

        protected override void PreStart() => _journal.Start();
    }

    /// <summary>An in-memory journal whose writes fail, as on a full disk, for the persistence ids in <see cref="Full"/>.</summary>
    public sealed class FullDiskJournal : AsyncWriteJournal
    {
        public static readonly ConcurrentDictionary<string, bool> Full = new();
        private static readonly ConcurrentDictionary<string, List<IPersistentRepresentation>> Stored = new();

        protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
        {
            var writes = messages.ToList();
            if (writes.Any(w => Full.ContainsKey(w.PersistenceId)))
                return Task.FromException<IImmutableList<Exception?>>(new IOException("No space left on device : '/full'", 28));
            foreach (var w in writes)
                foreach (var p in (IImmutableList<IPersistentRepresentation>)w.Payload)
                    lock (Stored) Stored.GetOrAdd(p.PersistenceId, _ => []).Add(p);
            return Task.FromResult<IImmutableList<Exception?>>(null!);
        }

        protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
        {
            lock (Stored) return Task.FromResult(Stored.TryGetValue(persistenceId, out var list) && list.Count > 0 ? list.Max(p => p.SequenceNr) : 0L);
        }

        public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
            Action<IPersistentRepresentation> recoveryCallback)
        {
            List<IPersistentRepresentation> replay;
            lock (Stored)
                replay = Stored.TryGetValue(persistenceId, out var list)
                    ? list.Where(p => p.SequenceNr >= fromSequenceNr && p.SequenceNr <= toSequenceNr).Take((int)Math.Min(max, int.MaxValue)).ToList()
                    : [];
            foreach (var p in replay) recoveryCallback(p);
            return Task.CompletedTask;
        }
    }
}
