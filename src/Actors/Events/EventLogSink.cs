using Akka.Actor;
using Berth.Actors.Images;
using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>Publishes domain events to the event log, stamped with a strictly increasing nanosecond clock.</summary>
public sealed class EventLogSink(IActorRef eventLog) : IImageEventSink
{
    private static long _last;

    /// <summary>Now in unix nanoseconds, never equal to or before the previous stamp (the log orders and dedupes by it).</summary>
    public static long Stamp()
    {
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return next;
        }
    }

    public void Record(string type, string action, string id, IReadOnlyDictionary<string, string> attributes) =>
        eventLog.Tell(new RecordEvent(new EngineEvent(type, action, id, attributes, Stamp())));

    public void Publish(string action, string id, IReadOnlyDictionary<string, string> attributes) => Record("image", action, id, attributes);
}
