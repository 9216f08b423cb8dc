using Akka.Actor;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>A request to the "images" actor. Each maps to one Engine API image endpoint.</summary>
public interface IImageCommand;

/// <summary>GET /images/json → <see cref="ImageList"/>.</summary>
[Manifest("images.list.v1")]
public sealed record ListImages(bool All, FilterSet Filters, bool Digests = true) : IImageCommand, IBerthMessage;

/// <summary>GET /images/{name}/json → <see cref="ImageInspected"/>.</summary>
[Manifest("image.inspect.v1")]
public sealed record InspectImage(string Name) : IImageCommand, IBerthMessage;

/// <summary>GET /images/{name}/history → <see cref="ImageHistory"/>.</summary>
[Manifest("image.history.v1")]
public sealed record GetImageHistory(string Name) : IImageCommand, IBerthMessage;

/// <summary>POST /images/{name}/tag?repo=&amp;tag= → <see cref="ImageTagged"/> (HTTP 201).</summary>
[Manifest("image.tag.v1")]
public sealed record TagImage(string Source, string Repo, string? Tag) : IImageCommand, IBerthMessage;

/// <summary>DELETE /images/{name}?force=&amp;noprune= → <see cref="ImageRemoved"/>.</summary>
[Manifest("image.remove.v1")]
public sealed record RemoveImage(string Name, bool Force, bool NoPrune) : IImageCommand, IBerthMessage;

/// <summary>POST /images/prune?filters= → <see cref="ImagesPruned"/>.</summary>
[Manifest("images.prune.v1")]
public sealed record PruneImages(FilterSet Filters) : IImageCommand, IBerthMessage;

/// <summary>The image half of GET /system/df → <see cref="ImageDiskUsageReport"/>.</summary>
[Manifest("images.disk-usage.v1")]
public sealed record GetImageDiskUsage : IImageCommand, IBerthMessage
{
    public static GetImageDiskUsage Instance { get; } = new();
}

/// <summary>
/// Sent by the containers domain after a container's rootfs was removed: snapshots and blobs that no image and no
/// container uses any more are deleted (prune does the same sweep). No reply.
/// </summary>
[Manifest("images.sweep-layers.v1")]
public sealed record SweepUnusedLayers : IImageCommand, IBerthMessage
{
    public static SweepUnusedLayers Instance { get; } = new();
}

/// <summary>
/// For container create: the image's ID, config and rootfs lower dirs (top first) → <see cref="ImageResolved"/>. With
/// <see cref="ForContainer"/> the image is held for that container from this answer on (so a prune between resolve and
/// create cannot delete it); the containers domain sends <see cref="ImageReleased"/> if the create then fails.
/// </summary>
[Manifest("image.resolve.v1")]
public sealed record ResolveImage(string Name, string? ForContainer = null) : IImageCommand, IBerthMessage;

/// <summary>
/// POST /images/create?fromSrc=-&amp;repo=&amp;tag=&amp;message=&amp;changes= (docker import) → <see cref="ImageImported"/>.
/// Carries the request body, so it is node-local and never serialised.
/// </summary>
public sealed record ImportImage(Stream Source, string? Repo, string? Tag, string? Message, IReadOnlyList<string> Changes,
    IProgress<ImageProgress>? Progress = null) : IImageCommand, INoSerializationVerificationNeeded;

/// <summary>POST /images/load?quiet= → <see cref="ImagesLoaded"/>; progress lines go to <see cref="Progress"/>. Node-local (carries a stream).</summary>
public sealed record LoadImages(Stream Source, IProgress<ImageProgress>? Progress = null) : IImageCommand, INoSerializationVerificationNeeded;

/// <summary>GET /images/get?names= and GET /images/{name}/get → <see cref="ImagesSaved"/> once the archive was written to <see cref="Destination"/>. Node-local.</summary>
public sealed record SaveImages(IReadOnlyList<string> Names, Stream Destination, ImageArchiveFormat Format = ImageArchiveFormat.DockerArchive)
    : IImageCommand, INoSerializationVerificationNeeded;

/// <summary>
/// POST /commit?container=&amp;repo=&amp;tag=&amp;comment=&amp;author=&amp;changes= → <see cref="ImageCommitted"/> (HTTP 201 {"Id"}).
/// Sent by the container's side with its image, overlay upper dir and config; pausing the container is the caller's job.
/// </summary>
[Manifest("image.commit.v1")]
public sealed record CommitContainer(string ContainerId, string Image, string UpperDir, ContainerConfig Config, string? Repo, string? Tag,
    string? Comment, string? Author, IReadOnlyList<string> Changes) : IImageCommand, IBerthMessage;

/// <summary>Replies of the "images" actor.</summary>
public interface IImageReply : IBerthMessage;

[Manifest("images.listed.v1")]
public sealed record ImageList(IReadOnlyList<ImageSummary> Images) : IImageReply;
[Manifest("image.inspected.v1")]
public sealed record ImageInspected(ImageInspect Image) : IImageReply;
[Manifest("image.history-listed.v1")]
public sealed record ImageHistory(IReadOnlyList<HistoryResponseItem> Items) : IImageReply;
[Manifest("image.tagged.v1")]
public sealed record ImageTagged(string Id, string Reference) : IImageReply;
[Manifest("image.removed.v1")]
public sealed record ImageRemoved(IReadOnlyList<ImageDeleteResponseItem> Items) : IImageReply;
[Manifest("images.pruned.v1")]
public sealed record ImagesPruned(ImagePruneResponse Report) : IImageReply;
[Manifest("images.disk-usage-reported.v1")]
public sealed record ImageDiskUsageReport(ImageDiskUsage Usage) : IImageReply;

/// <param name="ChainIds">
/// ChainIDs of the layers, base first: the container stacks their snapshots (found on its own node by chain id, never
/// by a path in a message) and reports them back through <see cref="ContainerImageUse"/>.
/// </param>
[Manifest("image.resolved.v1")]
public sealed record ImageResolved(string Id, ContainerConfig? Config, IReadOnlyList<string> ChainIds) : IImageReply;

[Manifest("image.committed.v1")]
public sealed record ImageCommitted(string Id) : IImageReply;

/// <summary>Import finished; the HTTP layer streams {"status":"&lt;Id&gt;"}.</summary>
[Manifest("image.imported.v1")]
public sealed record ImageImported(string Id) : IImageReply;

/// <summary>Load finished; <see cref="Lines"/> are docker's "Loaded image: x" / "Loaded image ID: sha256:…" messages.</summary>
[Manifest("images.loaded.v1")]
public sealed record ImagesLoaded(IReadOnlyList<string> Lines) : IImageReply;

[Manifest("images.saved.v1")]
public sealed record ImagesSaved(IReadOnlyList<string> Ids) : IImageReply;

/// <summary>Any refusal or failure; <see cref="Kind"/> gives the HTTP status and <see cref="Message"/> docker's text.</summary>
[Manifest("image.error.v1")]
public sealed record ImageError(ImageErrorKind Kind, string Message) : IImageReply
{
    public ImageOperationException ToException() => new(Kind, Message);
}
