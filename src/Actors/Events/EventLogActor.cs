using Akka.Actor;
using Akka.Persistence;
using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>
/// The node's event log: persists every engine event so GET /events?since= survives a daemon restart,
/// and fans new events out to live subscribers. Persistence id "events".
/// </summary>
public sealed class EventLogActor : ReceivePersistentActor
{
    public const string Name = "events";
    private const int SnapshotEvery = 500;

    private EventLogState _state;
    private readonly HashSet<IActorRef> _subscribers = [];

    public override string PersistenceId => "events";

    public EventLogActor(int capacity = EventLogState.DefaultCapacity)
    {
        _state = EventLogState.Empty(capacity);

        Recover<SnapshotOffer>(o => { if (o.Snapshot is EventLogSnapshot s) _state = _state.Restore(s); });
        Recover<EventRecorded>(e => _state = _state.Apply(e));

        Command<RecordEvent>(cmd => Persist(new EventRecorded(cmd.Event), e =>
        {
            _state = _state.Apply(e);
            foreach (var s in _subscribers) s.Tell(e.Event);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(new EventLogSnapshot(_state.Events.ToList()));
        }));
        // Persist stashes later commands until the write is done, so this reply proves earlier events are stored.
        Command<FlushEvents>(_ => Sender.Tell(EventsFlushed.Instance));
        Command<QueryEvents>(q => Sender.Tell(new EventsFound(_state.Between(q.SinceNano, q.UntilNano))));
        Command<SubscribeEvents>(s => { _subscribers.Add(s.Subscriber); Context.Watch(s.Subscriber); Sender.Tell(Subscribed.Instance); });
        Command<UnsubscribeEvents>(s => { _subscribers.Remove(s.Subscriber); Context.Unwatch(s.Subscriber); });
        Command<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
    }

    /// <summary>Acknowledges a subscription, so a subscriber knows no later event can be missed.</summary>
    public sealed class Subscribed
    {
        public static readonly Subscribed Instance = new();
        private Subscribed() { }
    }
}
