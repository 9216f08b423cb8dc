using System.Collections.Immutable;
using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>The retained window of engine events, oldest first. Pure: no Akka, no I/O.</summary>
public sealed record EventLogState(ImmutableQueue<EngineEvent> Events, int Count, int Capacity)
{
    /// <summary>dockerd keeps 256 events in memory; we keep more, and on disk (moby issue 43694).</summary>
    public const int DefaultCapacity = 4096;

    public static EventLogState Empty(int capacity = DefaultCapacity) => new(ImmutableQueue<EngineEvent>.Empty, 0, capacity);

    public EventLogState Apply(EventRecorded e)
    {
        var q = Events.Enqueue(e.Event);
        var n = Count + 1;
        while (n > Capacity) { q = q.Dequeue(); n--; }
        return this with { Events = q, Count = n };
    }

    public IReadOnlyList<EngineEvent> Between(long sinceNano, long untilNano) =>
        Events.Where(e => e.TimeNano >= sinceNano && e.TimeNano <= untilNano).ToList();

    public EventLogState Restore(EventLogSnapshot s) =>
        Empty(Capacity) with { Events = ImmutableQueue.CreateRange(s.Events.TakeLast(Capacity)), Count = Math.Min(s.Events.Count, Capacity) };
}
