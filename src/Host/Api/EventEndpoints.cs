using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Events;
using Berth.Actors.Protocol;
using Berth.Host.Hosting;

namespace Berth.Host.Api;

/// <summary>GET /events: stored events since `since` (a query over the journal: they survive restarts), then live ones until `until` or disconnect.</summary>
public static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/events", Stream).EndsWhenClientCloses();

    private static async Task Stream(HttpContext ctx, ActorRegistry registry, ActorSystem system)
    {
        var now = DateTimeOffset.UtcNow;
        var since = Timestamp(Query.String(ctx.Request, "since"), now);
        var until = Timestamp(Query.String(ctx.Request, "until"), now);
        if (since != null && until != null && until < since)
            throw ApiException.BadRequest("`since` time can't be after `until` time");
        var filter = new EventFilter(Filters.Parse(ctx.Request, EventFilter.Keys));
        var log = await registry.GetAsync<EventLogKey>(ctx.RequestAborted);

        // Subscribe before replaying, so nothing falls between the stored and the live part.
        var channel = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
        var forwarder = system.ActorOf(Props.Create(() => new ChannelForwarder(channel.Writer)));
        try
        {
            await log.Ask<EventLogActor.Subscribed>(new SubscribeEvents(forwarder), TimeSpan.FromSeconds(10), ctx.RequestAborted);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = ApiJson.ContentType;
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted); // headers now: clients wait for them

            // The history (a query over the journal) and the live part overlap by the events recorded between the
            // subscription and the query: those are sent once, from the history. Stamps are unique (EventLogSink).
            var sent = new HashSet<long>();
            if (since != null)
            {
                var stored = await log.Ask<EventsFound>(new QueryEvents(since.Value, until ?? long.MaxValue), TimeSpan.FromSeconds(30), ctx.RequestAborted);
                foreach (var e in stored.Events)
                {
                    sent.Add(e.TimeNano);
                    if (filter.Matches(e)) await Write(ctx, e);
                }
            }
            if (until != null && until <= now.ToUnixTimeMilliseconds() * 1_000_000) return;

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            // A timer reaches about 49 days; an until further away than that is as good as never.
            var left = until == null ? (TimeSpan?)null : TimeSpan.FromMilliseconds(Math.Max(0, (until.Value - now.ToUnixTimeMilliseconds() * 1_000_000) / 1_000_000));
            if (left < TimeSpan.FromDays(49)) stop.CancelAfter(left.Value);
            try
            {
                await foreach (var e in channel.Reader.ReadAllAsync(stop.Token))
                    if (!sent.Contains(e.TimeNano) && filter.Matches(e)) await Write(ctx, e);
            }
            catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested) { /* until reached */ }
        }
        finally
        {
            log.Tell(new UnsubscribeEvents(forwarder));
            system.Stop(forwarder);
        }
    }

    private static async Task Write(HttpContext ctx, EngineEvent e)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Shape(e), ApiJson.Options);
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>The API 1.41 event shape: legacy status/id/from beside Type/Action/Actor for containers and images.</summary>
    public static Dictionary<string, object?> Shape(EngineEvent e)
    {
        var shape = new Dictionary<string, object?>();
        if (e.Type is "container" or "image")
        {
            shape["status"] = e.Action;
            shape["id"] = e.ActorId;
            if (e.Type == "container" && e.Attributes.TryGetValue("image", out var image)) shape["from"] = image;
        }
        shape["Type"] = e.Type;
        shape["Action"] = e.Action;
        shape["Actor"] = new { ID = e.ActorId, Attributes = e.Attributes };
        shape["scope"] = e.Scope;
        shape["time"] = e.Time;
        shape["timeNano"] = e.TimeNano;
        return shape;
    }

    /// <summary>Unix seconds with optional fraction ("1795707569.000000000"), as the CLI sends, in nanoseconds; null when absent.</summary>
    public static long? Timestamp(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value)) return null;
        return TimeFilter.TryParseUnix(value, out var seconds, out var nanos)
            ? TimeFilter.UnixToNanos(seconds, nanos)
            : throw ApiException.BadRequest($"invalid timestamp \"{value}\": expected unix seconds");
    }

    /// <summary>Hands events from the actor world to one HTTP response.</summary>
    private sealed class ChannelForwarder : ReceiveActor
    {
        public ChannelForwarder(ChannelWriter<EngineEvent> writer)
        {
            Receive<EngineEvent>(e => writer.TryWrite(e));
        }

        protected override void PostStop() { }
    }
}
