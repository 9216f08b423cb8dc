using Akka.Hosting;
using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Shim.Client;
using Berth.Shim.Protocol;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>
/// POST /containers/{id}/attach: hijacks the connection (101 UPGRADED) and bridges it to the shim's attach socket.
/// Frames pass through without a TTY and lose their headers with one; the client's half-close only ends stdin.
/// </summary>
public static class ContainerAttach
{
    public static async Task Serve(string id, HttpContext ctx, ActorRegistry reg)
    {
        var req = ctx.Request;
        var stdin = Query.Bool(req, "stdin");
        var stdout = Query.Bool(req, "stdout");
        var stderr = Query.Bool(req, "stderr");
        var stream = Query.Bool(req, "stream");
        var detachKeys = DetachKeySequence.Parse(Query.String(req, "detachKeys"));
        // Not ctx.RequestAborted: Kestrel signals it on the client's half-close, which must only end stdin.
        var ct = CancellationToken.None;
        var where = await ContainerEndpoints.Ask<ContainerLocation>(reg, new ContainerActor.PrepareAttach(id), null, ct);

        ShimAttachment? attachment = null;
        if (stream && where.Running)
        {
            await using var shim = await where.Streams.ConnectAsync(ct);
            attachment = await shim.AttachAsync(new AttachHeader(stdin && where.OpenStdin, stdout, stderr), ct);
        }

        var (client, upgraded) = await Hijack(ctx);
        if (attachment == null) return;
        await using (attachment)
        {
            if (await Bridge(attachment, client, where.Tty, stdin && where.OpenStdin && upgraded, detachKeys))
                await Detached(reg, new ContainerDetached(id)); // dockerd's "detach" event, recorded before the stream closes
        }
    }

    /// <summary>Tells the container that a client detached with the detach keys (for its event); a container gone meanwhile does not matter.</summary>
    public static async Task Detached(ActorRegistry reg, IContainerCommand detached)
    {
        try { await ContainerEndpoints.Ask<ContainerDone>(reg, detached, TimeSpan.FromSeconds(30), CancellationToken.None); }
        catch (ApiException) { /* removed or gone while attached: no event, like dockerd's for a container it no longer knows */ }
    }

    /// <summary>Copies the client's stdin to the container until EOF, or until the detach keys end the session (the container keeps running).</summary>
    private static async Task PumpStdin(Stream client, ShimAttachment attachment, DetachKeySequence keys, CancellationTokenSource detached, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int n;
            while ((n = await client.ReadAsync(buffer, ct)) > 0)
            {
                var (forward, detach) = keys.Feed(buffer.AsSpan(0, n));
                if (forward.Length > 0) await attachment.WriteStdinAsync(forward, ct);
                if (detach)
                {
                    await detached.CancelAsync();
                    return;
                }
            }
            attachment.CloseStdin();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The output side decides when the session ends.
        }
    }

    /// <summary>
    /// Takes over the connection the way dockerd does for attach and exec start: 101 UPGRADED when the client asked
    /// for an upgrade, else a 200 whose body carries the stream. Returns the stream and whether it was upgraded.
    /// </summary>
    public static async Task<(Stream Client, bool Upgraded)> Hijack(HttpContext ctx)
    {
        ctx.Response.Headers.ContentType = "application/vnd.docker.raw-stream";
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is { IsUpgradableRequest: true })
        {
            ctx.Response.Headers.Connection = "Upgrade";
            ctx.Response.Headers.Upgrade = "tcp";
            ctx.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "UPGRADED";
            return (await upgrade.UpgradeAsync(), true);
        }
        ctx.Response.StatusCode = 200;
        await ctx.Response.Body.FlushAsync(CancellationToken.None);
        return (ctx.Response.Body, false);
    }

    /// <summary>
    /// Bridges a shim attachment to a hijacked client until the output ends: frames pass through without a TTY and
    /// lose their headers with one; with <paramref name="stdin"/> the client's bytes go in, its half-close ends stdin and the detach keys end the session.
    /// Returns true when the detach keys ended it.
    /// </summary>
    public static async Task<bool> Bridge(ShimAttachment attachment, Stream client, bool tty, bool stdin, DetachKeySequence detachKeys)
    {
        var ct = CancellationToken.None;
        using var detached = new CancellationTokenSource();
        var input = stdin ? PumpStdin(client, attachment, detachKeys, detached, ct) : Task.CompletedTask;
        try
        {
            while (await attachment.ReadAsync(detached.Token) is { } chunk)
                await WriteChunk(client, tty, chunk.Stream, chunk.Data);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // The client went away or detached; the process keeps running.
        }
        _ = input;
        return detached.IsCancellationRequested;
    }

    /// <summary>One chunk to a hijacked client: raw for a TTY, else with its stdcopy header.</summary>
    public static async Task WriteChunk(Stream client, bool tty, AttachStream stream, byte[] data)
    {
        if (!tty)
        {
            var header = new byte[AttachFrame.HeaderSize];
            AttachFrame.WriteHeader(header, stream, data.Length);
            await client.WriteAsync(header);
        }
        await client.WriteAsync(data);
        await client.FlushAsync();
    }
}
