using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Events;

/// <summary>
/// The node's event log: stores each engine event (persistence id "events", through a <see cref="JournalWriter"/>),
/// tagged with <see cref="EventTags"/>, and fans new events out to live subscribers. The history (GET /events?since=)
/// is a query over the journal by the <see cref="EventTags.EngineEvent"/> tag on the read journal
/// <c>readJournalPluginId</c>, so it survives a daemon restart and there is no second store. The journal keeps the
/// last <c>capacity</c> events (up to <see cref="TrimEvery"/> more, or <c>capacity</c> more if smaller, between trims). An event that cannot be stored (a
/// full disk) is still delivered live; the log itself never stops.
/// </summary>
public sealed class EventLogActor : ReceiveActor
{
    public const string Name = "events";

    /// <summary>dockerd keeps 256 events in memory; we keep more, and on disk (moby issue 43694).</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>How many events are recorded between two trims of the journal: a delete per event would cost a write each.</summary>
    public const int TrimEvery = 500;

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly JournalSlot _journal;
    private readonly int _capacity;
    private readonly string _readJournalPluginId;
    private readonly IMaterializer _materializer;
    private Task<ICurrentEventsByTagQuery>? _history;
    private int _sinceTrim;

    public EventLogActor(string readJournalPluginId, int capacity = DefaultCapacity)
    {
        _capacity = capacity;
        _readJournalPluginId = readJournalPluginId;
        _journal = new JournalSlot(Context, Name);
        _materializer = Context.Materializer();

        Receive<RecordEvent>(cmd =>
        {
            var e = new EventRecorded(EventAttributes.Capped(cmd.Event));
            foreach (var s in _subscribers) s.Tell(e.Event);
            _journal.Writer.Tell(new JournalWriter.Append(new Akka.Persistence.Journal.Tagged(e, EventTags.For(e.Event)), Reply: false));
            if (++_sinceTrim >= Math.Min(TrimEvery, _capacity)) Trim();
        });
        // The writer answers a flush after every earlier append: the reply proves earlier events are stored.
        Receive<FlushEvents>(_ =>
        {
            var replyTo = Sender;
            Flushed(_journal.Writer).PipeTo(replyTo, success: () => EventsFlushed.Instance);
        });
        Receive<QueryEvents>(q => Stored(_journal.Writer, History(), q).PipeTo(Sender));
        Receive<SubscribeEvents>(s => { _subscribers.Add(s.Subscriber); Context.Watch(s.Subscriber); Sender.Tell(Subscribed.Instance); });
        Receive<UnsubscribeEvents>(s => { _subscribers.Remove(s.Subscriber); Context.Unwatch(s.Subscriber); });
        Receive<JournalWriter.AppendFailed>(f => _journal.Handle(f));
        Receive<Terminated>(t => { if (!_journal.Handle(t)) _subscribers.Remove(t.ActorRef); });
    }

    /// <summary>
    /// Nothing to replay: the log holds no state of its events. A trim at start bounds what earlier runs left; the read
    /// journal is made now, so its ordering tracker has caught up with the journal by the first query.
    /// </summary>
    protected override void PreStart()
    {
        _journal.StartWithoutReplay();
        Trim();
        History();
    }

    /// <summary>Its only child is the journal writer, which the slot replaces when it stops: the tree's rule applies.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new Node.TreeSupervisor();

    private void Trim()
    {
        _sinceTrim = 0;
        _journal.Writer.Tell(new JournalWriter.KeepLast(_capacity));
    }

    /// <summary>Completes once every append sent to <paramref name="writer"/> before it is stored (or has failed, or the writer is stuck).</summary>
    private static async Task Flushed(IActorRef writer)
    {
        try { await writer.Ask<JournalWriter.Flushed>(JournalWriter.Flush.Instance, FlushTimeout); }
        catch (AskTimeoutException) { }
    }

    /// <summary>
    /// The read journal, made once (again after a failure). Akka.Persistence.Sql's read journal blocks whoever makes it
    /// until the write journal has its tables (5 s at most, then it throws; a busy start can take longer): so it is made
    /// on the thread pool, never on this actor's thread, a few times over before a query fails.
    /// </summary>
    private Task<ICurrentEventsByTagQuery> History()
    {
        if (_history is { IsFaulted: false, IsCanceled: false }) return _history;
        var system = Context.System;
        var id = _readJournalPluginId;
        return _history = Task.Run(() =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try { return PersistenceQuery.Get(system).ReadJournalFor<ICurrentEventsByTagQuery>(id); }
                catch (Exception) when (attempt < 3) { }
            }
        });
    }

    /// <summary>The stored events in the query's time range, in the order they were recorded (the journal's ordering).</summary>
    private async Task<EventsFound> Stored(IActorRef writer, Task<ICurrentEventsByTagQuery> history, QueryEvents q)
    {
        // After the flush every event recorded before the query is in the journal, so the history holds it.
        await Flushed(writer);
        var events = await (await history).CurrentEventsByTag(EventTags.EngineEvent, Offset.NoOffset())
            .Select(envelope => envelope.Event)
            .Where(stored => stored is EventRecorded r && r.Event.TimeNano >= q.SinceNano && r.Event.TimeNano <= q.UntilNano)
            .Select(stored => ((EventRecorded)stored).Event)
            .RunWith(Sink.Seq<EngineEvent>(), _materializer);
        return new EventsFound(events);
    }

    /// <summary>Acknowledges a subscription, so a subscriber knows no later event can be missed.</summary>
    [Manifest("events.subscribed.v1")]
    public sealed record Subscribed : IBerthMessage
    {
        public static Subscribed Instance { get; } = new();
    }
}
