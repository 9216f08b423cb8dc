using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>One entry of GET /events, in docker's terms (Type, Action, Actor.ID and attributes); what a live subscriber receives.</summary>
[Manifest("events.event.v1")]
public sealed record EngineEvent(
    string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, long TimeNano, string Scope = "local") : IBerthMessage
{
    public long Time => TimeNano / 1_000_000_000;
}

/// <summary>Asks the event log to record an event (fire and forget).</summary>
[Manifest("events.record.v1")]
public sealed record RecordEvent(EngineEvent Event) : IBerthMessage;

/// <summary>Journal entry: an event was recorded (stored tagged, see <c>EventTags</c>; the history is a query by tag).</summary>
[Manifest("events.recorded.v1")]
public sealed record EventRecorded(EngineEvent Event) : IBerthMessage;

/// <summary>Asks for stored events in [SinceNano, UntilNano]; replies <see cref="EventsFound"/>.</summary>
[Manifest("events.query.v1")]
public sealed record QueryEvents(long SinceNano, long UntilNano) : IBerthMessage;

[Manifest("events.found.v1")]
public sealed record EventsFound(IReadOnlyList<EngineEvent> Events) : IBerthMessage;

/// <summary>
/// Live subscription: the subscriber receives every new <see cref="EngineEvent"/> until it stops or unsubscribes. The
/// subscriber may live on another node (the reference crosses as its path).
/// </summary>
[Manifest("events.subscribe.v1")]
public sealed record SubscribeEvents(Akka.Actor.IActorRef Subscriber) : IBerthMessage;

[Manifest("events.unsubscribe.v1")]
public sealed record UnsubscribeEvents(Akka.Actor.IActorRef Subscriber) : IBerthMessage;

/// <summary>Answered with <see cref="EventsFlushed"/> once every event recorded before it is in the journal (used at shutdown).</summary>
[Manifest("events.flush.v1")]
public sealed record FlushEvents : IBerthMessage
{
    public static FlushEvents Instance { get; } = new();
}

[Manifest("events.flushed.v1")]
public sealed record EventsFlushed : IBerthMessage
{
    public static EventsFlushed Instance { get; } = new();
}
