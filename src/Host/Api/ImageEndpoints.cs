using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;
using Berth.Host.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>The image half of the Engine API: a translation onto the "images" actor, nothing more.</summary>
public static class ImageEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/images/json", async (HttpContext ctx, ActorRegistry reg) =>
            new JsonReply((await Ask<ImageList>(reg, new ListImages(Query.Bool(ctx.Request, "all"), FilterSet.FromJson(Query.String(ctx.Request, "filters")),
                Query.Bool(ctx.Request, "digests", true)), ctx)).Images));
        api.MapPost("/images/create", Create).TakesRawBody();
        api.MapPost("/images/load", Load).TakesRawBody();
        api.MapPost("/images/prune", async (HttpContext ctx, ActorRegistry reg) =>
            new JsonReply((await Ask<ImagesPruned>(reg, new PruneImages(FilterSet.FromJson(Query.String(ctx.Request, "filters"))), ctx)).Report));
        api.MapGet("/images/get", (HttpContext ctx, ActorRegistry reg) =>
            Save(ctx, reg, ctx.Request.Query["names"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList()));

        // Names carry '/' and ':' (127.0.0.1:5000/bb:1), so the rest of the path is split by its last segment.
        api.MapGet("/images/{**rest}", async (string rest, HttpContext ctx, ActorRegistry reg) =>
        {
            if (Suffix(rest, "/json") is { } inspect) return new JsonReply((await Ask<ImageInspected>(reg, new InspectImage(inspect), ctx)).Image);
            if (Suffix(rest, "/history") is { } history) return new JsonReply((await Ask<ImageHistory>(reg, new GetImageHistory(history), ctx)).Items);
            if (Suffix(rest, "/get") is { } one) { await Save(ctx, reg, [one]); return null; }
            throw ApiException.NotFound("page not found");
        });
        api.MapPost("/images/{**rest}", async (string rest, HttpContext ctx, ActorRegistry reg) =>
        {
            if (Suffix(rest, "/tag") is { } source)
            {
                var repo = Query.String(ctx.Request, "repo") ?? throw ApiException.BadRequest("repository name must have at least one component");
                await Ask<ImageTagged>(reg, new TagImage(source, repo, Query.String(ctx.Request, "tag")), ctx);
                return new StatusReply(201);
            }
            if (Suffix(rest, "/push") is { } name)
                throw new ApiException(501, $"pushing {name} to a registry is not supported by this berthd yet");
            throw ApiException.NotFound("page not found");
        });
        api.MapDelete("/images/{**name}", async (string name, HttpContext ctx, ActorRegistry reg) =>
            new JsonReply((await Ask<ImageRemoved>(reg, new RemoveImage(name, Query.Bool(ctx.Request, "force"), Query.Bool(ctx.Request, "noprune")), ctx)).Items));
    }

    private static string? Suffix(string rest, string suffix) =>
        rest.EndsWith(suffix, StringComparison.Ordinal) && rest.Length > suffix.Length ? rest[..^suffix.Length] : null;

    /// <summary>Asks the images actor; an <see cref="ImageError"/> becomes the HTTP error docker would send.</summary>
    public static async Task<T> Ask<T>(ActorRegistry reg, object command, HttpContext ctx, TimeSpan? timeout = null) where T : class
    {
        var images = await reg.GetAsync<ImagesKey>(ctx.RequestAborted);
        var reply = await images.Ask<object>(command, timeout ?? TimeSpan.FromMinutes(2), ctx.RequestAborted);
        return reply switch
        {
            T ok => ok,
            ImageError e => throw ApiException.Of(e),
            _ => throw ApiException.Internal($"unexpected reply {reply.GetType().Name} from the images actor"),
        };
    }

    /// <summary>POST /images/create: fromSrc=- imports the request body (docker import); fromImage pulls.</summary>
    private static async Task Create(HttpContext ctx, ActorRegistry reg)
    {
        var fromSrc = Query.String(ctx.Request, "fromSrc");
        var fromImage = Query.String(ctx.Request, "fromImage");
        if (fromSrc == null && fromImage != null)
            throw new ApiException(501, $"pulling {fromImage} from a registry is not supported by this berthd yet; load it with `docker load` or create it with `docker import`");
        if (fromSrc != "-")
            throw ApiException.BadRequest(fromSrc == null ? "fromImage or fromSrc is required" : $"importing from a URL ({fromSrc}) is not supported; send the tarball as the request body (fromSrc=-)");
        AllowSynchronousIo(ctx);
        var changes = ctx.Request.Query["changes"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        var progress = new ProgressJson(ctx);
        await progress.Start();
        try
        {
            var done = await Ask<ImageImported>(reg, new ImportImage(ctx.Request.Body, Query.String(ctx.Request, "repo"), Query.String(ctx.Request, "tag"),
                Query.String(ctx.Request, "message"), changes), ctx, TimeSpan.FromHours(1));
            await progress.Status(done.Id);
        }
        catch (ApiException e) { await progress.Error(e.Message); }
    }

    /// <summary>POST /images/load: docker-archive or OCI layout (gzip'd or not); progress lines unless quiet.</summary>
    private static async Task Load(HttpContext ctx, ActorRegistry reg)
    {
        AllowSynchronousIo(ctx);
        var quiet = Query.Bool(ctx.Request, "quiet");
        var queue = new ProgressJson.Queue<ImageProgress>();
        var output = new ProgressJson(ctx);
        await output.Start();
        var job = Ask<ImagesLoaded>(reg, new LoadImages(ctx.Request.Body, quiet ? null : queue), ctx, TimeSpan.FromHours(1));
        _ = job.ContinueWith(_ => queue.Complete(), TaskScheduler.Default);
        await foreach (var p in queue.Reader.ReadAllAsync(ctx.RequestAborted))
            await output.Progress(p.Id, p.Status, p.Current, p.Total);
        try
        {
            foreach (var line in (await job).Lines) await output.Stream(line.EndsWith('\n') ? line : line + "\n");
        }
        catch (ApiException e) { await output.Error(e.Message); }
    }

    /// <summary>GET /images/get and /images/{name}/get: a docker-archive tar (or an OCI layout with format=oci), streamed.</summary>
    private static async Task Save(HttpContext ctx, ActorRegistry reg, IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw ApiException.BadRequest("no images named: pass names=<image>");
        var format = Query.String(ctx.Request, "format") switch
        {
            null or "" or "docker" => ImageArchiveFormat.DockerArchive,
            "oci" => ImageArchiveFormat.OciLayout,
            var f => throw ApiException.BadRequest($"unknown archive format \"{f}\": use docker or oci"),
        };
        AllowSynchronousIo(ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/x-tar";
        await Ask<ImagesSaved>(reg, new SaveImages(names, ctx.Response.Body, format), ctx, TimeSpan.FromHours(1));
    }

    /// <summary>Archive jobs read and write the HTTP streams with blocking calls on their own thread.</summary>
    private static void AllowSynchronousIo(HttpContext ctx)
    {
        if (ctx.Features.Get<IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
    }
}
