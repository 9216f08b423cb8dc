using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>One entry of GET /events, in docker's terms (Type, Action, Actor.ID and attributes).</summary>
public sealed record EngineEvent(
    string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, long TimeNano, string Scope = "local")
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

/// <summary>Live subscription: the subscriber receives every new <see cref="EngineEvent"/> until it stops or unsubscribes.</summary>
public sealed record SubscribeEvents(Akka.Actor.IActorRef Subscriber);

public sealed record UnsubscribeEvents(Akka.Actor.IActorRef Subscriber);

/// <summary>Answered with <see cref="EventsFlushed"/> once every event recorded before it is in the journal (used at shutdown).</summary>
public sealed record FlushEvents
{
    public static FlushEvents Instance { get; } = new();
}

public sealed record EventsFlushed
{
    public static EventsFlushed Instance { get; } = new();
}
