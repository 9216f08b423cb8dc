using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Host.Configuration;
using Berth.Host.Hosting;
using Berth.Runtime.Containers;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>The container half of the Engine API: a translation onto the "containers" actor, plus the byte streams (attach, logs).</summary>
public static class ContainerEndpoints
{
    private static readonly TimeSpan Forever = TimeSpan.FromDays(20);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/containers/create", Create).TakesJson<CreateRequestBody>("CreateRequest");
        api.MapGet("/containers/json", List);
        api.MapGet("/containers/{id}/json", async (string id, HttpContext ctx, ActorRegistry reg) =>
            new JsonReply(ContainerShapes.Inspect((await Ask<ContainerInspected>(reg, new InspectContainer(id), ctx)).View)));
        api.MapPost("/containers/{id}/start", async (string id, HttpContext ctx, ActorRegistry reg) =>
            Done(await Ask<ContainerDone>(reg, new StartContainer(id), ctx)));
        api.MapPost("/containers/{id}/stop", async (string id, HttpContext ctx, ActorRegistry reg) =>
            Done(await Ask<ContainerDone>(reg, new StopContainer(id, Timeout(ctx)), ctx, Forever)));
        api.MapPost("/containers/{id}/restart", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await Ask<ContainerDone>(reg, new RestartContainer(id, Timeout(ctx)), ctx, Forever);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/kill", async (string id, HttpContext ctx, ActorRegistry reg) =>
            Done(await Ask<ContainerDone>(reg, new KillContainer(id, Signal(Query.String(ctx.Request, "signal"))), ctx)));
        api.MapPost("/containers/{id}/wait", Wait).EndsWhenClientCloses();
        api.MapDelete("/containers/{id}", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await Ask<ContainerDone>(reg, new RemoveContainer(id, Query.Bool(ctx.Request, "force")), ctx, Forever);
            return new StatusReply(204);
        });
        api.MapGet("/containers/{id}/logs", ContainerLogs.Serve).EndsWhenClientCloses(r => Query.Bool(r, "follow"));
        api.MapPost("/containers/{id}/attach", ContainerAttach.Serve).TakesRawBody();
        ContainerModificationEndpoints.Map(api);
        ContainerMonitoringEndpoints.Map(api);
        ContainerPruneEndpoints.Map(api);
        ExecEndpoints.Map(api);
        ContainerFileEndpoints.Map(api);
    }

    private static StatusReply Done(ContainerDone d) => new(d.NotModified ? 304 : 204);

    /// <summary>?t= (docker &lt; 1.42 also sends it for timeouts); absent = the container's or docker's 10 s.</summary>
    private static int? Timeout(HttpContext ctx) => Query.Int(ctx.Request, "t") ?? Query.Int(ctx.Request, "timeout");

    private static int Signal(string? s)
    {
        if (string.IsNullOrEmpty(s)) return 9;
        try { return Signals.Parse(s); }
        catch (RuntimeError) { throw ApiException.BadRequest($"Invalid signal: {s}"); }
    }

    /// <summary>Asks the containers actor; a <see cref="ContainerError"/> becomes the HTTP error docker would send.</summary>
    public static Task<T> Ask<T>(ActorRegistry reg, object command, HttpContext ctx, TimeSpan? timeout = null) where T : class =>
        Ask<T>(reg, command, timeout, ctx.RequestAborted);

    public static async Task<T> Ask<T>(ActorRegistry reg, object command, TimeSpan? timeout, CancellationToken ct) where T : class
    {
        var containers = await reg.GetAsync<ContainersKey>(ct);
        var reply = await containers.Ask<object>(command, timeout ?? TimeSpan.FromMinutes(2), ct);
        return reply switch
        {
            T ok => ok,
            ContainerError e => throw ApiException.Of(e),
            Status.Failure f => throw ApiException.Internal(f.Cause.Message),
            _ => throw ApiException.Internal($"unexpected reply {reply.GetType().Name} from the containers actor"),
        };
    }

    private static async Task<IResult> Create(HttpContext ctx, ActorRegistry reg)
    {
        var body = await JsonBody.Read<CreateRequestBody>(ctx);
        var config = body?.Config ?? throw ApiException.BadRequest("Config cannot be empty in order to create a container");
        var spec = ContainerSpecMapper.ToSpec(config, body.HostConfig ?? new ContainerHostConfig());
        var create = new CreateContainer(Query.String(ctx.Request, "name") is { Length: > 0 } n ? n : null, spec);
        var created = await Ask<ContainerCreated>(reg, create, ctx);
        return new JsonReply(new { created.Id, Warnings = Array.Empty<string>() }, 201);
    }

    private static async Task<IResult> List(HttpContext ctx, ActorRegistry reg)
    {
        var filters = new FilterSet(Filters.Parse(ctx.Request, new HashSet<string> { "status", "name", "id", "label", "ancestor", "exited", "before", "since", "health" }));
        var items = (await Ask<ContainerList>(reg, new ListContainers(Query.Bool(ctx.Request, "all"), filters, Query.Int(ctx.Request, "limit") ?? -1), ctx)).Items;
        var now = DateTimeOffset.UtcNow;
        if (!Query.Bool(ctx.Request, "size")) return new JsonReply(items.Select(v => ContainerShapes.Summary(v, now)).ToList());
        return new JsonReply(await ContainerSizes.Summaries(items, reg, ctx));
    }

    /// <summary>The 200 header goes out at once (docker run waits on it before start); the body comes with the exit.</summary>
    private static async Task Wait(string id, HttpContext ctx, ActorRegistry reg)
    {
        var condition = Query.String(ctx.Request, "condition") is { Length: > 0 } c ? c : "not-running";
        if (condition is not ("not-running" or "next-exit" or "removed"))
            throw ApiException.BadRequest($"invalid condition: \"{condition}\"");
        await Ask<ContainerLocation>(reg, new LocateContainer(id), ctx);
        var waiting = Ask<ContainerExited>(reg, new WaitContainer(id, condition), ctx, Forever);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ApiJson.ContentType;
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        var exited = await waiting;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { Error = (object?)null, exited.StatusCode }, ApiJson.Options);
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted);
    }
}
