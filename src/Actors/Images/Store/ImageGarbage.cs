using Berth.Actors.Images.Content;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>What became unreferenced after images were removed: snapshots (chainIDs, top first) and blobs.</summary>
public sealed record Garbage(IReadOnlyList<Digest> ChainIds, IReadOnlyList<Digest> Blobs)
{
    public static Garbage None { get; } = new([], []);

    public Garbage Merge(Garbage other) =>
        new([.. ChainIds.Concat(other.ChainIds).Distinct()], [.. Blobs.Concat(other.Blobs).Distinct()]);
}

/// <summary>
/// Reference counting of layers, derived rather than stored: a snapshot lives while some image's chain or some
/// container's rootfs uses its chainID; a blob lives while a remaining image names it as config, manifest or layer.
/// </summary>
public static class ImageGarbage
{
    /// <summary>Drops layer records no image needs and returns the new index plus what the removed images left unreferenced.</summary>
    public static (ImageIndex Index, Garbage Garbage) Collect(ImageIndex index, IReadOnlyCollection<ImageRecord> removed,
        IEnumerable<ContainerImageUse> containers)
    {
        var liveChains = new HashSet<Digest>(index.Images.Values.SelectMany(i => i.ChainIds));
        foreach (var use in containers)
            foreach (var chain in use.ChainIds)
                if (Digest.TryParse(chain, out var d)) liveChains.Add(d);
        var liveDiffs = new HashSet<Digest>(index.Images.Values.SelectMany(i => i.DiffIds));

        var deadChains = new List<Digest>();
        foreach (var image in removed)
            foreach (var chain in image.ChainIds.Reverse())
                if (!liveChains.Contains(chain) && !deadChains.Contains(chain)) deadChains.Add(chain);

        var layers = index.Layers;
        var deadLayerBlobs = new List<Digest>();
        foreach (var (key, layer) in index.Layers)
        {
            if (liveDiffs.Contains(layer.DiffId)) continue;
            layers = layers.Remove(key);
            deadLayerBlobs.Add(layer.Blob);
        }
        var next = index with { Layers = layers };

        var liveBlobs = new HashSet<Digest>(next.Images.Values.SelectMany(i => new[] { i.Id, i.Manifest }));
        foreach (var layer in next.Layers.Values) liveBlobs.Add(layer.Blob);
        var deadBlobs = removed.SelectMany(i => new[] { i.Id, i.Manifest }).Concat(deadLayerBlobs)
            .Where(b => !liveBlobs.Contains(b)).Distinct().ToList();
        return (next, new Garbage(deadChains, deadBlobs));
    }
}

/// <summary>Re-checks garbage found earlier against the current index, since a job may have reused a layer meanwhile.</summary>
public static class GarbageRecheck
{
    public static Garbage StillDead(Garbage garbage, ImageIndex index, IEnumerable<ContainerImageUse> containers)
    {
        var liveChains = new HashSet<Digest>(index.Images.Values.SelectMany(i => i.ChainIds));
        foreach (var use in containers)
            foreach (var chain in use.ChainIds)
                if (Digest.TryParse(chain, out var d)) liveChains.Add(d);
        var liveBlobs = new HashSet<Digest>(index.Images.Values.SelectMany(i => new[] { i.Id, i.Manifest }));
        foreach (var layer in index.Layers.Values) liveBlobs.Add(layer.Blob);
        return new Garbage([.. garbage.ChainIds.Where(c => !liveChains.Contains(c))], [.. garbage.Blobs.Where(b => !liveBlobs.Contains(b))]);
    }
}

/// <summary>Finds snapshots and blobs on disk that nothing references any more (e.g. after the last container of a force-removed image went).</summary>
public static class GarbageSweep
{
    public static Garbage Orphans(IEnumerable<Digest> snapshots, IEnumerable<Digest> blobs) =>
        new([.. snapshots], [.. blobs]);   // GarbageRecheck.StillDead filters out everything still live before deletion
}
