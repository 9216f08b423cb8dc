using Akka.Actor;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images;

/// <summary>
/// Typed facade over the "images" actor for callers outside the actor system (the HTTP layer): one method per Engine
/// API image endpoint. Refusals come back as <see cref="ImageOperationException"/> carrying docker's message and its
/// <see cref="ImageErrorKind"/>.
/// </summary>
public sealed class ImagesClient(IActorRef images, TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(30);

    /// <summary>GET /images/json?all=&amp;filters=&amp;digests=</summary>
    public async Task<IReadOnlyList<ImageSummary>> List(bool all, string? filtersJson, bool digests = true, CancellationToken ct = default) =>
        (await Ask<ImageList>(new ListImages(all, FilterSet.FromJson(filtersJson), digests), _timeout, ct)).Images;

    /// <summary>GET /images/{name}/json</summary>
    public async Task<ImageInspect> Inspect(string name, CancellationToken ct = default) =>
        (await Ask<ImageInspected>(new InspectImage(name), _timeout, ct)).Image;

    /// <summary>GET /images/{name}/history</summary>
    public async Task<IReadOnlyList<HistoryResponseItem>> History(string name, CancellationToken ct = default) =>
        (await Ask<ImageHistory>(new GetImageHistory(name), _timeout, ct)).Items;

    /// <summary>POST /images/{name}/tag?repo=&amp;tag= (answer 201 with no body).</summary>
    public Task<ImageTagged> Tag(string name, string repo, string? tag, CancellationToken ct = default) =>
        Ask<ImageTagged>(new TagImage(name, repo, tag), _timeout, ct);

    /// <summary>DELETE /images/{name}?force=&amp;noprune=</summary>
    public async Task<IReadOnlyList<ImageDeleteResponseItem>> Remove(string name, bool force, bool noPrune, CancellationToken ct = default) =>
        (await Ask<ImageRemoved>(new RemoveImage(name, force, noPrune), _timeout, ct)).Items;

    /// <summary>POST /images/prune?filters=</summary>
    public async Task<ImagePruneResponse> Prune(string? filtersJson, CancellationToken ct = default) =>
        (await Ask<ImagesPruned>(new PruneImages(FilterSet.FromJson(filtersJson)), Timeout.InfiniteTimeSpan, ct)).Report;

    /// <summary>The image part of GET /system/df.</summary>
    public async Task<ImageDiskUsage> DiskUsage(CancellationToken ct = default) =>
        (await Ask<ImageDiskUsageReport>(GetImageDiskUsage.Instance, _timeout, ct)).Usage;

    /// <summary>POST /images/create?fromSrc=-&amp;repo=&amp;tag=&amp;message=&amp;changes= (docker import); returns the image ID.</summary>
    public async Task<string> Import(Stream body, string? repo, string? tag, string? message, IReadOnlyList<string> changes,
        IProgress<ImageProgress>? progress = null, CancellationToken ct = default) =>
        (await Ask<ImageImported>(new ImportImage(body, repo, tag, message, changes, progress), Timeout.InfiniteTimeSpan, ct)).Id;

    /// <summary>POST /images/load?quiet=; returns docker's "Loaded image: …" lines.</summary>
    public async Task<IReadOnlyList<string>> Load(Stream body, IProgress<ImageProgress>? progress = null, CancellationToken ct = default) =>
        (await Ask<ImagesLoaded>(new LoadImages(body, progress), Timeout.InfiniteTimeSpan, ct)).Lines;

    /// <summary>GET /images/get?names= and GET /images/{name}/get: writes the archive to <paramref name="destination"/>.</summary>
    public Task<ImagesSaved> Save(IReadOnlyList<string> names, Stream destination, ImageArchiveFormat format = ImageArchiveFormat.DockerArchive,
        CancellationToken ct = default) =>
        Ask<ImagesSaved>(new SaveImages(names, destination, format), Timeout.InfiniteTimeSpan, ct);

    /// <summary>POST /commit (the container side supplies its upper dir and config); returns the new image ID.</summary>
    public async Task<string> Commit(CommitContainer command, CancellationToken ct = default) =>
        (await Ask<ImageCommitted>(command, Timeout.InfiniteTimeSpan, ct)).Id;

    /// <summary>For container create: ID, config and rootfs lower dirs.</summary>
    public Task<ImageResolved> Resolve(string name, CancellationToken ct = default) => Ask<ImageResolved>(new ResolveImage(name), _timeout, ct);

    private async Task<T> Ask<T>(IImageCommand command, TimeSpan timeout, CancellationToken ct) where T : IImageReply
    {
        var reply = await images.Ask<IImageReply>(command, timeout == Timeout.InfiniteTimeSpan ? null : timeout, ct).ConfigureAwait(false);
        return reply switch
        {
            T ok => ok,
            ImageError error => throw error.ToException(),
            _ => throw new ImageOperationException(ImageErrorKind.Internal, $"images actor answered {reply.GetType().Name} to {command.GetType().Name}"),
        };
    }
}
