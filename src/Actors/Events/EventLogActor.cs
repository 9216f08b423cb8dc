using Akka.Actor;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Events;

/// <summary>
/// The node's event log: keeps the window of engine events, stores each one (persistence id "events", through a
/// <see cref="JournalWriter"/>) so GET /events?since= survives a daemon restart, and fans new events out to live
/// subscribers. An event that cannot be stored (a full disk) is still delivered live; the log itself never stops.
/// </summary>
public sealed class EventLogActor : ReceiveActor, IWithUnboundedStash
{
    public const string Name = "events";
    private const int SnapshotEvery = 500;

    private EventLogState _state;
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly JournalSlot _journal;
    private int _sinceSnapshot;

    public IStash Stash { get; set; } = null!;

    public EventLogActor(int capacity = EventLogState.DefaultCapacity)
    {
        _state = EventLogState.Empty(capacity);
        _journal = new JournalSlot(Context, Name);

        Receive<JournalWriter.Replayed>(r =>
        {
            if (r.Payload is EventLogSnapshot s) _state = _state.Restore(s);
            else if (r.Payload is EventRecorded e) _state = _state.Apply(e);
        });
        Receive<JournalWriter.Recovered>(_ =>
        {
            Become(Ready);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    protected override void PreStart() => _journal.Start();

    /// <summary>Its only child is the journal writer, which the slot replaces when it stops: the tree's rule applies.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new Node.TreeSupervisor();

    private void Ready()
    {
        Receive<RecordEvent>(cmd =>
        {
            var e = new EventRecorded(EventAttributes.Capped(cmd.Event));
            _state = _state.Apply(e);
            foreach (var s in _subscribers) s.Tell(e.Event);
            _journal.Writer.Tell(new JournalWriter.Append(e, Reply: false));
            if (++_sinceSnapshot >= SnapshotEvery)
            {
                _sinceSnapshot = 0;
                _journal.Writer.Tell(new JournalWriter.TakeSnapshot(new EventLogSnapshot(_state.Events.ToList())));
            }
        });
        // The writer answers a flush after every earlier append: the reply proves earlier events are stored.
        Receive<FlushEvents>(_ =>
        {
            var replyTo = Sender;
            _journal.Writer.Ask<JournalWriter.Flushed>(JournalWriter.Flush.Instance, TimeSpan.FromSeconds(10))
                .PipeTo(replyTo, success: _ => EventsFlushed.Instance, failure: _ => EventsFlushed.Instance);
        });
        Receive<QueryEvents>(q => Sender.Tell(new EventsFound(_state.Between(q.SinceNano, q.UntilNano))));
        Receive<SubscribeEvents>(s => { _subscribers.Add(s.Subscriber); Context.Watch(s.Subscriber); Sender.Tell(Subscribed.Instance); });
        Receive<UnsubscribeEvents>(s => { _subscribers.Remove(s.Subscriber); Context.Unwatch(s.Subscriber); });
        Receive<JournalWriter.AppendFailed>(f => _journal.Handle(f));
        Receive<Terminated>(t => { if (!_journal.Handle(t)) _subscribers.Remove(t.ActorRef); });
    }

    /// <summary>Acknowledges a subscription, so a subscriber knows no later event can be missed.</summary>
    [Manifest("events.subscribed.v1")]
    public sealed record Subscribed : IBerthMessage
    {
        public static Subscribed Instance { get; } = new();
    }
}
