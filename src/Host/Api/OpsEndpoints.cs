using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Host.Configuration;

namespace Berth.Host.Api;

/// <summary>Container operations of the Engine API: pause, unpause, rename, top, stats, update and prune.</summary>
public static class OpsEndpoints
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);
    // A reading takes microseconds; a request queued at a container that is being removed is never answered.
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/containers/{id}/pause", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new PauseContainer(id), ctx);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/unpause", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new UnpauseContainer(id), ctx);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/rename", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new RenameContainer(id, Query.String(ctx.Request, "name") ?? ""), ctx);
            return new StatusReply(204);
        });
        api.MapGet("/containers/{id}/top", Top);
        api.MapGet("/containers/{id}/stats", Stats).EndsWhenClientCloses(r => Query.Bool(r, "stream", fallback: true));
        api.MapPost("/containers/{id}/update", Update).TakesJson<ContainerResourceUpdate>("UpdateConfig");
        api.MapPost("/containers/prune", Prune);
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

    private static async Task<IResult> Update(string id, HttpContext ctx, ActorRegistry reg)
    {
        var update = await JsonBody.Read<ContainerResourceUpdate>(ctx) ?? new ContainerResourceUpdate();
        var updated = await ContainerEndpoints.Ask<ContainerUpdated>(reg, new UpdateContainer(id, update), ctx);
        return new JsonReply(new { updated.Warnings });
    }

    private static async Task<IResult> Prune(HttpContext ctx, ActorRegistry reg)
    {
        var filters = Filters.Parse(ctx.Request, new HashSet<string> { "until", "label", "label!" });
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0
            ? u.Select(x => TimeFilter.Parse(x, DateTimeOffset.UtcNow)).Min()
            : null;
        var pruned = await ContainerEndpoints.Ask<ContainersPruned>(reg, new PruneContainers(until,
            filters.GetValueOrDefault("label") ?? [], filters.GetValueOrDefault("label!") ?? []), ctx, TimeSpan.FromMinutes(10));
        return new JsonReply(new { ContainersDeleted = pruned.Deleted.Count > 0 ? pruned.Deleted : null, pruned.SpaceReclaimed });
    }

    /// <summary>ps -s and /system/df: SizeRw (the writable layer) and SizeRootFs (plus the image).</summary>
    public static async Task<JsonObject> WithSize(ContainerView v, object summary, DaemonOptions options, IReadOnlyDictionary<string, long> imageSizes)
    {
        var node = (JsonObject)JsonSerializer.SerializeToNode(summary, summary.GetType(), ApiJson.Options)!;
        var sizeRw = await Task.Run(() => ContainerDiskUsage.SizeRw(new ContainerPaths(options.DataRoot, options.ExecRoot, v.Id)));
        node["SizeRw"] = sizeRw;
        node["SizeRootFs"] = sizeRw + imageSizes.GetValueOrDefault(v.Image);
        return node;
    }

    /// <summary>Every image's size by id, for SizeRootFs.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ImageSizes(ActorRegistry reg, HttpContext ctx)
    {
        var images = await reg.GetAsync<Hosting.ImagesKey>(ctx.RequestAborted);
        return await images.Ask<object>(new ListImages(true, FilterSet.None), TimeSpan.FromSeconds(30), ctx.RequestAborted) is ImageList list
            ? list.Images.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Size)
            : new Dictionary<string, long>();
    }
}

/// <summary>The containers' counts of GET /info.</summary>
public sealed class ContainersInfo(ActorRegistry registry) : IInfoContributor
{
    public async Task Contribute(IDictionary<string, object?> info, CancellationToken ct)
    {
        var items = (await ContainerEndpoints.Ask<ContainerList>(registry, new ListContainers(true), null, ct)).Items;
        info["Containers"] = items.Count;
        info["ContainersPaused"] = items.Count(v => v.State.Paused);
        info["ContainersRunning"] = items.Count(v => v.State.Running && !v.State.Paused);
        info["ContainersStopped"] = items.Count(v => !v.State.Running);
    }
}
