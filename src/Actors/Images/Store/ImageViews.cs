using Berth.Actors.Images.Content;
using Berth.Actors.Images.Model;
using Berth.Actors.Images.References;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>Sizes of unpacked layers, by chainID (docker's DiffSize).</summary>
public delegate long LayerSize(Digest chainId);

/// <summary>Builds docker's response shapes (list, inspect, history, df) from the index; pure apart from the size lookup.</summary>
public static class ImageViews
{
    /// <summary>GET /images/json: the rules of dockerd 20.10's Images() (filters dangling, label, reference, before, since).</summary>
    public static IReadOnlyList<ImageSummary> List(ImageIndex index, bool all, IReadOnlyDictionary<string, IReadOnlyList<string>> filters,
        LayerSize sizeOf, IReadOnlyList<ContainerImageUse>? containersForDf = null)
    {
        ImageFilters.Validate(filters, "dangling", "label", "before", "since", "reference");
        var danglingOnly = false;
        if (filters.TryGetValue("dangling", out var dangling))
        {
            if (dangling.Contains("true") || dangling.Contains("1")) danglingOnly = true;
            else if (!dangling.All(v => v is "false" or "0"))
                throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"Invalid filter 'dangling=[{string.Join(' ', dangling)}]'");
        }
        DateTimeOffset? before = filters.TryGetValue("before", out var b) && b.Count > 0 ? index.Resolve(b[0]).Created : null;
        DateTimeOffset? since = filters.TryGetValue("since", out var s) && s.Count > 0 ? index.Resolve(s[0]).Created : null;
        var refPatterns = filters.GetValueOrDefault("reference");

        var layerUsers = LayerUsers(index);
        var result = new List<ImageSummary>();
        foreach (var image in index.Images.Values)
        {
            if (before is { } bt && image.Created >= bt) continue;
            if (since is { } st && image.Created <= st) continue;
            if (filters.TryGetValue("label", out var labels) && !ImageFilters.MatchLabels(labels, image.Labels)) continue;

            List<string>? tags = null, digests = null;
            foreach (var reference in index.ReferencesOf(image.Id))
            {
                if (refPatterns is not null && !refPatterns.Any(p => GlobMatch.Matches(p, reference.Familiar) || GlobMatch.Matches(p, reference.FamiliarName)))
                    continue;
                if (reference.IsCanonical) (digests ??= []).Add(reference.Familiar);
                if (reference.IsTagged) (tags ??= []).Add(reference.Familiar);
            }
            if (tags is null && digests is null)
            {
                if (!all && index.Children(image.Id).Count > 0) continue;
                if (filters.ContainsKey("dangling") && !danglingOnly) continue;
                if (refPatterns is not null) continue;
                tags = ["<none>:<none>"];
                digests = ["<none>@<none>"];
            }
            else if (danglingOnly && tags is { Count: > 0 }) continue;

            var size = ChainSize(image, sizeOf);
            var summary = new ImageSummary
            {
                Id = image.Id.ToString(),
                Created = image.Created.ToUnixTimeSeconds(),
                Labels = image.Labels,
                ParentId = image.Parent?.ToString() ?? "",
                RepoTags = tags,
                RepoDigests = digests,
                Size = size,
                VirtualSize = size,
            };
            if (containersForDf is not null)
            {
                summary = summary with
                {
                    Containers = containersForDf.Count(c => c.ImageId == image.Id.ToString()),
                    SharedSize = image.ChainIds.Where(c => layerUsers.GetValueOrDefault(c) > 1).Sum(c => sizeOf(c)),
                };
            }
            result.Add(summary);
        }
        return [.. result.OrderByDescending(i => i.Created)];
    }

    /// <summary>The image part of GET /system/df.</summary>
    public static ImageDiskUsage DiskUsage(ImageIndex index, LayerSize sizeOf, IReadOnlyList<ContainerImageUse> containers)
    {
        var images = List(index, all: false, new Dictionary<string, IReadOnlyList<string>>(), sizeOf, containers);
        var layersSize = index.Images.Values.SelectMany(i => i.ChainIds).Distinct().Sum(c => sizeOf(c));
        return new ImageDiskUsage(layersSize, images);
    }

    /// <summary>Size of the whole chain, as dockerd reports Size and VirtualSize.</summary>
    public static long ChainSize(ImageRecord image, LayerSize sizeOf) => image.ChainIds.Sum(c => sizeOf(c));

    public static ImageInspect Inspect(ImageIndex index, ImageRecord image, ImageConfigFile config, LayerSize sizeOf, Func<Digest, string> snapshotDir)
    {
        var refs = index.ReferencesOf(image.Id);
        var chains = image.ChainIds;
        var data = new Dictionary<string, string>();
        if (chains.Count > 0)
        {
            data["UpperDir"] = snapshotDir(chains[^1]);
            if (chains.Count > 1) data["LowerDir"] = string.Join(':', chains.Reverse().Skip(1).Select(snapshotDir));
        }
        var size = ChainSize(image, sizeOf);
        return new ImageInspect
        {
            Id = image.Id.ToString(),
            RepoTags = [.. refs.Where(r => r.IsTagged).Select(r => r.Familiar)],
            RepoDigests = [.. refs.Where(r => r.IsCanonical).Select(r => r.Familiar)],
            Parent = image.Parent?.ToString() ?? config.Parent ?? "",
            Comment = config.Comment ?? "",
            Created = config.Created ?? Time.Zero,
            Container = config.Container ?? "",
            ContainerConfig = config.ContainerConfig ?? new ContainerConfig(),
            DockerVersion = config.DockerVersion ?? "",
            Author = config.Author ?? "",
            Config = config.Config,
            Architecture = config.Architecture,
            Variant = string.IsNullOrEmpty(config.Variant) ? null : config.Variant,
            Os = config.Os,
            OsVersion = string.IsNullOrEmpty(config.OsVersion) ? null : config.OsVersion,
            Size = size,
            VirtualSize = size,
            GraphDriver = new GraphDriverData(data, "overlay2"),
            RootFS = new ImageRootFs("layers", [.. image.DiffIds.Select(d => d.ToString())]),
            Metadata = new ImageMetadata(image.LastTagTime is { } t ? Time.Format(t) : Time.Zero),
        };
    }

    /// <summary>GET /images/{name}/history: newest first; layers' sizes from their snapshots; parents walked for IDs and tags.</summary>
    public static IReadOnlyList<HistoryResponseItem> History(ImageIndex index, ImageRecord image, ImageConfigFile config, LayerSize sizeOf)
    {
        var items = new List<HistoryResponseItem>();
        var diffs = new List<Digest>();
        foreach (var h in config.History ?? [])
        {
            long size = 0;
            if (!h.EmptyLayer)
            {
                if (diffs.Count >= image.DiffIds.Count) throw new ImageOperationException(ImageErrorKind.Internal, "too many non-empty layers in History section");
                diffs.Add(image.DiffIds[diffs.Count]);
                size = sizeOf(Layers.ChainId.Top(diffs)!.Value);
            }
            items.Insert(0, new HistoryResponseItem(h.Comment ?? "", Time.Parse(h.Created).ToUnixTimeSeconds(), h.CreatedBy ?? "", "<missing>", size, null));
        }
        ImageRecord? current = image;
        for (var i = 0; i < items.Count && current is not null; i++)
        {
            var tags = index.ReferencesOf(current.Id).Where(r => r.IsTagged).Select(r => r.Familiar).ToList();
            items[i] = items[i] with { Id = current.Id.ToString(), Tags = tags.Count > 0 ? tags : null };
            current = current.Parent is { } p ? index.Get(p) : null;
        }
        return items;
    }

    private static Dictionary<Digest, int> LayerUsers(ImageIndex index)
    {
        var users = new Dictionary<Digest, int>();
        foreach (var image in index.Images.Values)
            foreach (var chain in image.ChainIds)
                users[chain] = users.GetValueOrDefault(chain) + 1;
        return users;
    }
}
