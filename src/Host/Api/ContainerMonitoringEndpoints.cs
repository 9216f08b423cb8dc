using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>Reading a running container: GET /containers/{id}/top (ps over its pids) and /containers/{id}/stats (its cgroup).</summary>
public static class ContainerMonitoringEndpoints
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);
    // A reading takes microseconds; a request queued at a container that is being removed is never answered.
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/containers/{id}/top", Top);
        api.MapGet("/containers/{id}/stats", Stats).EndsWhenClientCloses(r => Query.Bool(r, "stream", fallback: true));
    }

    private static async Task<IResult> Top(string id, HttpContext ctx, ActorRegistry reg)
    {
        var psArgs = Query.String(ctx.Request, "ps_args") is { Length: > 0 } a ? a : ProcessTable.DefaultArgs;
        if (ProcessTable.Validate(psArgs) is { } invalid) throw ApiException.BadRequest(invalid);
        var procs = await ContainerEndpoints.Ask<ContainerProcesses>(reg, new ListContainerProcesses(id), ctx);
        var table = await ProcessTable.Run(psArgs, procs.Pids, ctx.RequestAborted);
        return new JsonReply(new { table.Processes, table.Titles });
    }

    /// <summary>
    /// One document per second while streaming (each with the previous reading as precpu); stream=0 waits one interval so
    /// the CPU numbers have a base, unless one-shot=1 asks for the first reading at once or the container is not running.
    /// </summary>
    private static async Task Stats(string id, HttpContext ctx, ActorRegistry reg)
    {
        var stream = Query.Bool(ctx.Request, "stream", fallback: true);
        var oneShot = Query.Bool(ctx.Request, "one-shot");
        if (oneShot && stream) throw ApiException.BadRequest("cannot have stream=true and one-shot=true");
        var ct = ctx.RequestAborted;
        var first = await ContainerEndpoints.Ask<ContainerStatsSample>(reg, new SampleContainerStats(id), ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ApiJson.ContentType;
        var machineMemory = HostCpu.MachineMemory();
        HostSample Host() => new(HostCpu.SystemUsageNanos(), HostCpu.OnlineCpus(), machineMemory);

        if (!stream)
        {
            if (oneShot || first.Usage == null) await Write(ctx, StatsShapes.Document(first, Host(), null, null));
            else
            {
                var firstHost = Host();
                await Task.Delay(StatsInterval, ct);
                var second = await ContainerEndpoints.Ask<ContainerStatsSample>(reg, new SampleContainerStats(id), ctx);
                await Write(ctx, StatsShapes.Document(second, Host(), first, firstHost));
            }
            return;
        }
        // Like dockerd, a container that is not running streams documents with only its name and id.
        var (previous, previousHost) = (first, Host());
        await Write(ctx, StatsShapes.Document(first, previousHost, null, null));
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(StatsInterval, ct);
            // Removed while streaming (gone, or stopping with this request in its mailbox): the stream ends.
            ContainerStatsSample sample;
            try { sample = await ContainerEndpoints.Ask<ContainerStatsSample>(reg, new SampleContainerStats(id), ctx, SampleTimeout); }
            catch (ApiException e) when (e.Status == 404) { return; }
            catch (AskTimeoutException) { return; }
            var host = Host();
            await Write(ctx, StatsShapes.Document(sample, host, previous, previousHost));
            (previous, previousHost) = (sample, host);
        }
    }

    private static async Task Write(HttpContext ctx, object document)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, ApiJson.Options);
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }
}
