using Akka.Actor;
using Akka.Persistence;

namespace Berth.Actors.Journal;

/// <summary>
/// Persists and replays the events of a parent that is not itself persistent. Akka stops a persistent actor whose
/// write failed (a full disk, a lost database); here that is only this writer: it answers the write with the error,
/// and its parent (through <see cref="JournalSlot"/>) puts a new writer in its place, so the parent, its children and
/// everyone waiting on them carry on. Keeps only the latest snapshot. A writer that replays nothing to its parent
/// skips recovery: it reads only the highest sequence number, so it writes after the stored events.
/// </summary>
public sealed class JournalWriter : ReceivePersistentActor
{
    private readonly bool _replay;

    public override string PersistenceId { get; }

    public override Recovery Recovery => _replay ? Recovery.Default : Recovery.None;

    public JournalWriter(string persistenceId, bool replay)
    {
        PersistenceId = persistenceId;
        _replay = replay;
        var parent = Context.Parent;
        Recover<SnapshotOffer>(o => { if (replay) parent.Tell(new Replayed(o.Snapshot)); });
        Recover<RecoveryCompleted>(_ => { if (replay) parent.Tell(Recovered.Instance); });
        Recover<object>(e => { if (replay) parent.Tell(new Replayed(e)); });

        // Persist holds back later commands until the write is done: appends, snapshots and flushes stay in order.
        Command<Append>(a => Persist(a.Event, e => { if (a.Reply) Sender.Tell(new Appended(e)); }));
        Command<Flush>(_ => Sender.Tell(Flushed.Instance));
        Command<TakeSnapshot>(s => SaveSnapshot(s.State));
        Command<KeepLast>(k => { if (LastSequenceNr > k.Count) DeleteMessages(LastSequenceNr - k.Count); });
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            DeleteMessages(s.Metadata.SequenceNr);
        });
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
    }

    public static Props Props(string persistenceId, bool replay) => Akka.Actor.Props.Create(() => new JournalWriter(persistenceId, replay));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // Sender is the one who asked for this write; Akka stops this writer right after.
        Sender.Tell(new AppendFailed(@event, cause, WriterStopped: true));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Sender.Tell(new AppendFailed(@event, cause, WriterStopped: false));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    /// <summary>Store <paramref name="Event"/>; with <paramref name="Reply"/> the sender hears <see cref="Appended"/>. A failure is always answered.</summary>
    public sealed record Append(object Event, bool Reply = true) : INoSerializationVerificationNeeded;

    public sealed record Appended(object Event) : INoSerializationVerificationNeeded;

    /// <summary>The write failed; when <paramref name="WriterStopped"/>, the writer is gone and must be replaced.</summary>
    public sealed record AppendFailed(object Event, Exception Cause, bool WriterStopped) : INoSerializationVerificationNeeded;

    /// <summary>Answered with <see cref="Flushed"/> once every append sent before it is stored (or has failed).</summary>
    public sealed record Flush : INoSerializationVerificationNeeded
    {
        public static readonly Flush Instance = new();
    }

    public sealed record Flushed : INoSerializationVerificationNeeded
    {
        public static readonly Flushed Instance = new();
    }

    /// <summary>Saves <paramref name="State"/> as of every append sent before it, and drops the older snapshot and events.</summary>
    public sealed record TakeSnapshot(object State) : INoSerializationVerificationNeeded;

    /// <summary>Deletes the stored events older than the last <paramref name="Count"/> (as of every append sent before it).</summary>
    public sealed record KeepLast(long Count) : INoSerializationVerificationNeeded;

    /// <summary>During the first writer's recovery: a stored snapshot or event, oldest first.</summary>
    public sealed record Replayed(object Payload) : INoSerializationVerificationNeeded;

    /// <summary>Recovery is over; every <see cref="Replayed"/> has been sent.</summary>
    public sealed record Recovered : INoSerializationVerificationNeeded
    {
        public static readonly Recovered Instance = new();
    }
}

/// <summary>
/// The parent's side of a <see cref="JournalWriter"/>: the current writer, and a fresh one (which recovers its sequence
/// number but replays nothing to the parent) when the current one stopped after a failed write.
/// </summary>
public sealed class JournalSlot(IActorContext context, string persistenceId)
{
    private int _generation;

    public IActorRef Writer { get; private set; } = ActorRefs.Nobody;

    /// <summary>The first writer: it replays the stored snapshot and events to the parent, then <see cref="JournalWriter.Recovered"/>.</summary>
    public void Start() => Spawn(replay: true);

    /// <summary>The first writer of a parent that keeps no state from its events (it reads them by query): nothing is replayed.</summary>
    public void StartWithoutReplay() => Spawn(replay: false);

    /// <summary>Call on every <see cref="JournalWriter.AppendFailed"/> and <see cref="Terminated"/>; true when it was about this slot's writer.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case JournalWriter.AppendFailed { WriterStopped: true }:
            case Terminated t when t.ActorRef.Equals(Writer):
                context.Unwatch(Writer);
                Spawn(replay: false);
                return true;
            default:
                return message is JournalWriter.AppendFailed;
        }
    }

    /// <summary>Stops the writer, as when its owner restarts and keeps its other children: the next incarnation starts its own.</summary>
    public void Stop()
    {
        if (Writer.IsNobody()) return;
        context.Unwatch(Writer);
        context.Stop(Writer);
        Writer = ActorRefs.Nobody;
    }

    private void Spawn(bool replay)
    {
        // A writer stopped by an earlier incarnation of the owner may still hold its name while it stops.
        string name;
        do name = $"journal-{++_generation}";
        while (context.Child(name) is { } taken && !taken.IsNobody());
        Writer = context.ActorOf(JournalWriter.Props(persistenceId, replay), name);
        context.Watch(Writer);
    }
}
