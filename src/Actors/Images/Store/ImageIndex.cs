using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.References;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>What the index knows about one image; the full config stays in the content store under <see cref="Id"/>.</summary>
public sealed record ImageRecord
{
    /// <summary>The image ID: digest of the config blob.</summary>
    public required Digest Id { get; init; }
    /// <summary>The stored manifest that lists the config and layer blobs (synthesised for imports and docker-archive loads).</summary>
    public required Digest Manifest { get; init; }
    public IReadOnlyList<Digest> DiffIds { get; init; } = [];
    public Digest? Parent { get; init; }
    public DateTimeOffset Created { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public DateTimeOffset? LastTagTime { get; init; }

    [JsonIgnore] public IReadOnlyList<Digest> ChainIds => ChainId.All(DiffIds);
}

/// <summary>A layer blob as stored (compressed or not) and the diffID of its uncompressed tar.</summary>
/// <param name="TarSize">Bytes of the uncompressed tar (what docker save writes as layer.tar).</param>
public sealed record LayerRecord(Digest DiffId, Digest Blob, string MediaType, long BlobSize, long TarSize);

/// <summary>
/// The image index: images, references (tags and name@digest) and layer blobs. Immutable and free of I/O: every
/// mutation returns a new index, which the images actor persists with <see cref="ImageIndexFile"/>.
/// </summary>
public sealed record ImageIndex
{
    public ImmutableSortedDictionary<string, ImageRecord> Images { get; init; } = ImmutableSortedDictionary<string, ImageRecord>.Empty;
    /// <summary>Full normalised reference ("docker.io/library/busybox:latest") to image ID.</summary>
    public ImmutableSortedDictionary<string, Digest> References { get; init; } = ImmutableSortedDictionary<string, Digest>.Empty;
    /// <summary>DiffID to its blob.</summary>
    public ImmutableSortedDictionary<string, LayerRecord> Layers { get; init; } = ImmutableSortedDictionary<string, LayerRecord>.Empty;

    public static ImageIndex Empty { get; } = new();

    public ImageRecord? Get(Digest id) => Images.GetValueOrDefault(id.ToString());

    /// <summary>References to an image, sorted by their full string as dockerd's reference store does.</summary>
    public IReadOnlyList<ImageReference> ReferencesOf(Digest id) =>
        [.. References.Where(r => r.Value == id).Select(r => ImageReference.Parse(r.Key))];

    public IReadOnlyList<ImageRecord> Children(Digest id) => [.. Images.Values.Where(i => i.Parent == id)];

    /// <summary>
    /// Finds an image the way dockerd's GetImage does: full ID or "sha256:" digest, then a reference (":latest" added),
    /// then a unique ID prefix. Throws 404 "No such image: …" otherwise.
    /// </summary>
    public ImageRecord Resolve(string refOrId) => TryResolve(refOrId) ?? throw ImageOperationException.NoSuchImage(Describe(refOrId));

    public ImageRecord? TryResolve(string refOrId)
    {
        if (Digest.TryParse(refOrId, out var digest)) return Get(digest);
        if (ImageReference.IsFullHexId(refOrId)) return Get(Digest.Sha256(refOrId));
        if (ImageReference.TryParse(refOrId, out var reference) && References.TryGetValue(reference!.WithDefaultTag().ToString(), out var id))
            return Get(id);
        var prefix = refOrId.StartsWith("sha256:", StringComparison.Ordinal) ? refOrId[7..] : refOrId;
        if (prefix.Length == 0 || prefix.Any(c => !char.IsAsciiHexDigitLower(c))) return null;
        var matches = Images.Values.Where(i => i.Id.Hex.StartsWith(prefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>How docker names a reference in "No such image" messages (familiar form, no default tag added).</summary>
    public static string Describe(string refOrId) =>
        ImageReference.TryParse(refOrId, out var r) ? r!.Familiar : refOrId;

    public ImageIndex AddImage(ImageRecord image, IEnumerable<LayerRecord> layers)
    {
        var layerMap = Layers;
        foreach (var layer in layers) layerMap = layerMap.SetItem(layer.DiffId.ToString(), layer);
        var existing = Get(image.Id);
        var record = existing is null ? image : existing with { Manifest = image.Manifest };
        return this with { Images = Images.SetItem(image.Id.ToString(), record), Layers = layerMap };
    }

    /// <summary>Points a tag at an image (moving it if it pointed elsewhere) and stamps LastTagTime.</summary>
    public ImageIndex Tag(Digest id, ImageReference reference, DateTimeOffset now)
    {
        var image = Get(id) ?? throw ImageOperationException.NoSuchImage(id.ToString());
        if (reference.IsCanonical && reference.IsTagged)
            throw new ImageOperationException(ImageErrorKind.InvalidArgument, "refusing to create an ambiguous tag using digest reference");
        var key = reference.IsCanonical ? reference.ToString() : reference.WithDefaultTag().ToString();
        return this with
        {
            References = References.SetItem(key, id),
            Images = Images.SetItem(id.ToString(), image with { LastTagTime = now }),
        };
    }

    public ImageIndex Untag(ImageReference reference) => this with { References = References.Remove(reference.ToString()) };

    /// <summary>Drops an image record and every reference to it (layers are collected separately, see <see cref="ImageGarbage"/>).</summary>
    public ImageIndex RemoveImage(Digest id) => this with
    {
        Images = Images.Remove(id.ToString()),
        References = References.RemoveRange(References.Where(r => r.Value == id).Select(r => r.Key).ToList()),
    };

    /// <summary>An image without tags or digests and without children.</summary>
    public bool IsDangling(Digest id) => ReferencesOf(id).Count == 0 && Children(id).Count == 0;
}
