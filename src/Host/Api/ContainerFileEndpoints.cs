using System.Text;
using System.Text.Json;
using Akka.Hosting;
using Berth.Actors.Containers.Files;
using Berth.Actors.Protocol;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>docker diff, export, cp (archive HEAD/GET/PUT) and resize. Filesystem work happens under a rootfs lease.</summary>
public static class ContainerFileEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/containers/{id}/changes", async (string id, HttpContext ctx, ActorRegistry reg) =>
            new JsonReply((await ContainerEndpoints.Ask<ContainerChangesListed>(reg, new ListContainerChanges(id), ctx)).Changes));
        api.MapGet("/containers/{id}/export", Export);
        api.MapMethods("/containers/{id}/archive", ["HEAD"], StatPath);
        api.MapGet("/containers/{id}/archive", GetArchive);
        api.MapPut("/containers/{id}/archive", PutArchive).TakesRawBody();
        api.MapPost("/containers/{id}/resize", Resize);
    }

    private static async Task<IResult> Resize(string id, HttpContext ctx, ActorRegistry reg)
    {
        var h = Dimension(ctx, "h");
        var w = Dimension(ctx, "w");
        await ContainerEndpoints.Ask<ContainerDone>(reg, new ResizeContainer(id, h, w), ctx);
        return new StatusReply(200);
    }

    /// <summary>dockerd parses h and w with strconv.Atoi and rejects what is not a size.</summary>
    private static int Dimension(HttpContext ctx, string name)
    {
        var raw = Query.String(ctx.Request, name) ?? "";
        if (!int.TryParse(raw, out var v) || v < 0 || v > ushort.MaxValue)
            throw ApiException.BadRequest($"strconv.Atoi: parsing \"{raw}\": invalid syntax");
        return v;
    }

    private static async Task Export(string id, HttpContext ctx, ActorRegistry reg)
    {
        await WithRootfs(id, ctx, reg, async lease =>
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/x-tar";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await Synchronously(ctx, () => RootfsArchive.WriteRootfs(lease.RootDir, ctx.Response.Body));
        });
    }

    private static Task StatPath(string id, HttpContext ctx, ActorRegistry reg) =>
        WithRootfs(id, ctx, reg, lease =>
        {
            var path = RequiredPath(ctx);
            var stat = Stat(lease, path, id);
            ctx.Response.Headers["X-Docker-Container-Path-Stat"] = StatHeader(stat);
            ctx.Response.StatusCode = 200;
            return Task.CompletedTask;
        });

    private static Task GetArchive(string id, HttpContext ctx, ActorRegistry reg) =>
        WithRootfs(id, ctx, reg, async lease =>
        {
            var path = RequiredPath(ctx);
            var stat = Stat(lease, path, id);
            ctx.Response.Headers["X-Docker-Container-Path-Stat"] = StatHeader(stat);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/x-tar";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await Synchronously(ctx, () => RootfsArchive.WriteArchive(lease.RootDir, path, ctx.Response.Body));
        });

    private static Task PutArchive(string id, HttpContext ctx, ActorRegistry reg) =>
        WithRootfs(id, ctx, reg, async lease =>
        {
            var path = RequiredPath(ctx);
            if (lease.ReadonlyRootfs) throw new ApiException(403, "container rootfs is marked read-only");
            var options = new ExtractOptions(Query.Bool(ctx.Request, "noOverwriteDirNonDir"), Query.Bool(ctx.Request, "copyUIDGID"));
            try
            {
                await Synchronously(ctx, () => RootfsArchive.Extract(lease.RootDir, path, ctx.Request.Body, options));
            }
            catch (ContainerFileException e) when (e.Kind == ContainerErrorKind.NotFound) { throw NotFound(path, id); }
            catch (ContainerFileException e) { throw ApiException.Of(e.Kind, e.Message); }
            catch (InvalidDataException e) { throw ApiException.BadRequest($"invalid tar archive: {e.Message}"); }
            ctx.Response.StatusCode = 200;
        });

    private static string RequiredPath(HttpContext ctx) =>
        Query.String(ctx.Request, "path") is { Length: > 0 } p ? p : throw ApiException.BadRequest("path is required");

    private static PathStat Stat(ContainerRootfsLeased lease, string path, string id)
    {
        try { return RootfsArchive.Stat(lease.RootDir, path) ?? throw NotFound(path, id); }
        catch (ContainerFileException e) { throw ApiException.Of(e.Kind, e.Message); }
    }

    private static ApiException NotFound(string path, string id) => ApiException.NotFound($"Could not find the file {path} in container {id}");

    /// <summary>Base64 (standard alphabet) of the JSON docker's client decodes into container.PathStat.</summary>
    public static string StatHeader(PathStat s)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = s.Name,
            ["size"] = s.Size,
            ["mode"] = s.Mode,
            ["mtime"] = s.Mtime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["linkTarget"] = s.LinkTarget,
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Holds a rootfs lease for the duration of <paramref name="work"/>; the container cannot be removed meanwhile.</summary>
    private static async Task WithRootfs(string id, HttpContext ctx, ActorRegistry reg, Func<ContainerRootfsLeased, Task> work)
    {
        var lease = await ContainerEndpoints.Ask<ContainerRootfsLeased>(reg, new LeaseContainerRootfs(id), ctx);
        try { await work(lease); }
        finally
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new ReleaseContainerRootfs(lease.Id, lease.Lease), TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    /// <summary>The tar code is synchronous; it runs off the request thread with synchronous body I/O allowed.</summary>
    private static Task Synchronously(HttpContext ctx, Action work)
    {
        ctx.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        return Task.Run(work);
    }
}
