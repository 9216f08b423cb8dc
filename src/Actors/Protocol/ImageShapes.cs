using System.Text.Json.Serialization;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>GET /images/json entry (ImageSummary), fields in dockerd's order.</summary>
public sealed record ImageSummary
{
    public long Containers { get; init; } = -1;
    public long Created { get; init; }
    public required string Id { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public string ParentId { get; init; } = "";
    public IReadOnlyList<string>? RepoDigests { get; init; }
    public IReadOnlyList<string>? RepoTags { get; init; }
    public long SharedSize { get; init; } = -1;
    public long Size { get; init; }
    public long VirtualSize { get; init; }
}

/// <summary>GET /images/{name}/json (ImageInspect), fields in dockerd 20.10's order.</summary>
public sealed record ImageInspect
{
    public required string Id { get; init; }
    public IReadOnlyList<string> RepoTags { get; init; } = [];
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    public string Parent { get; init; } = "";
    public string Comment { get; init; } = "";
    public string Created { get; init; } = "";
    public string Container { get; init; } = "";
    public ContainerConfig ContainerConfig { get; init; } = new();
    public string DockerVersion { get; init; } = "";
    public string Author { get; init; } = "";
    public ContainerConfig? Config { get; init; }
    public string Architecture { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }
    public string Os { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OsVersion { get; init; }
    public long Size { get; init; }
    public long VirtualSize { get; init; }
    public required GraphDriverData GraphDriver { get; init; }
    public required ImageRootFs RootFS { get; init; }
    public required ImageMetadata Metadata { get; init; }
}

/// <summary>GraphDriver of ImageInspect: where the image's layers are on disk.</summary>
public sealed record GraphDriverData(IReadOnlyDictionary<string, string> Data, string Name);

/// <summary>RootFS of ImageInspect: the diffIDs.</summary>
public sealed record ImageRootFs(string Type, IReadOnlyList<string> Layers);

/// <summary>Metadata of ImageInspect.</summary>
public sealed record ImageMetadata(string LastTagTime);

/// <summary>GET /images/{name}/history entry, newest first.</summary>
public sealed record HistoryResponseItem(string Comment, long Created, string CreatedBy, string Id, long Size, IReadOnlyList<string>? Tags);

/// <summary>One line of DELETE /images/{name} and of prune results: exactly one of the two is set.</summary>
public sealed record ImageDeleteResponseItem
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Untagged { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Deleted { get; init; }

    public static ImageDeleteResponseItem UntaggedRef(string familiar) => new() { Untagged = familiar };
    public static ImageDeleteResponseItem DeletedId(string id) => new() { Deleted = id };
}

/// <summary>POST /images/prune response.</summary>
public sealed record ImagePruneResponse(IReadOnlyList<ImageDeleteResponseItem>? ImagesDeleted, long SpaceReclaimed);

/// <summary>The image part of GET /system/df: LayersSize and Images (with Containers and SharedSize filled in).</summary>
public sealed record ImageDiskUsage(long LayersSize, IReadOnlyList<ImageSummary> Images);

/// <summary>A `docker diff` entry: Kind 0 = modified, 1 = added, 2 = deleted.</summary>
public sealed record ContainerChange(string Path, int Kind);

/// <summary>A container's hold on an image: the image it was created from and the snapshots (chainIDs) its rootfs stacks.</summary>
[Manifest("image.container-use.v1")]
public sealed record ContainerImageUse(string ContainerId, string ImageId, bool Running, IReadOnlyList<string> ChainIds) : IBerthMessage;
