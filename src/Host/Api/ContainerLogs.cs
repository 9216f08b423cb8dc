using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Hosting;
using Berth.Actors.Containers.Handles;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>GET /containers/{id}/logs: the json-file log, stdcopy-framed without a TTY and raw with one; follow polls the file until the container stops.</summary>
public static class ContainerLogs
{
    public static async Task Serve(string id, HttpContext ctx, ActorRegistry reg)
    {
        var req = ctx.Request;
        var stdout = Query.Bool(req, "stdout");
        var stderr = Query.Bool(req, "stderr");
        if (!stdout && !stderr) throw ApiException.BadRequest("Bad parameters: you must choose at least one stream");
        var follow = Query.Bool(req, "follow");
        var timestamps = Query.Bool(req, "timestamps");
        var tailText = Query.String(req, "tail");
        int? tail = tailText is null or "" or "all" ? null : int.TryParse(tailText, out var t) && t >= 0 ? t : null;
        var since = ParseTime(Query.String(req, "since"));
        var until = ParseTime(Query.String(req, "until"));
        var where = await ContainerEndpoints.Ask<ContainerLocation>(reg, new LocateContainer(id), ctx);

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = where.Tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);

        var log = where.Streams.OpenLog();
        var lines = log.ReadNew();
        if (tail is { } n) lines = lines.Skip(Math.Max(0, lines.Count - n)).ToList();
        await Write(ctx, lines, where.Tty, stdout, stderr, timestamps, since, until);
        while (follow && !ctx.RequestAborted.IsCancellationRequested)
        {
            var running = (await ContainerEndpoints.Ask<ContainerLocation>(reg, new LocateContainer(id), ctx)).Running;
            await Write(ctx, log.ReadNew(), where.Tty, stdout, stderr, timestamps, since, until);
            if (!running) break;
            try { await Task.Delay(200, ctx.RequestAborted); }
            catch (OperationCanceledException) { break; }
        }
    }

    private static async Task Write(HttpContext ctx, IReadOnlyList<LogEntry> lines, bool tty, bool stdout, bool stderr, bool timestamps, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (lines.Count == 0) return;
        using var buffer = new MemoryStream();
        foreach (var e in lines)
        {
            var isErr = e.Stream == "stderr";
            if (isErr ? !stderr : !stdout) continue;
            if (since != null || until != null)
            {
                if (!DateTimeOffset.TryParse(e.Time, CultureInfo.InvariantCulture, out var at)) continue;
                if (since is { } s && at < s) continue;
                if (until is { } u && at > u) continue;
            }
            var payload = Encoding.UTF8.GetBytes(timestamps ? e.Time + " " + e.Log : e.Log);
            if (!tty)
            {
                var header = new byte[8];
                header[0] = (byte)(isErr ? 2 : 1);
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
                buffer.Write(header);
            }
            buffer.Write(payload);
        }
        await ctx.Response.Body.WriteAsync(buffer.ToArray(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>docker sends unix seconds with optional fraction ("1700000000.000000000"); RFC 3339 is accepted too.</summary>
    private static DateTimeOffset? ParseTime(string? s)
    {
        if (string.IsNullOrEmpty(s) || s == "0") return null;
        if (TimeFilter.TryParseUnix(s, out var seconds, out var nanos)) return TimeFilter.UnixToDate(seconds, nanos);
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, out var t) ? t : throw ApiException.BadRequest($"invalid time: {s}");
    }
}
