using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Model;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;

namespace Berth.Actors.Images.Archives;

/// <summary>One entry of a docker save manifest.json.</summary>
public sealed record DockerArchiveManifestEntry
{
    public required string Config { get; init; }
    public IReadOnlyList<string>? RepoTags { get; init; }
    public IReadOnlyList<string> Layers { get; init; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Parent { get; init; }
}

/// <summary>
/// `docker load`: reads a docker-archive (legacy or Docker 25 form, via manifest.json) or an OCI image layout
/// (oci-layout + index.json) and stages its images. Blob digests and diffIDs are verified; layers go through
/// <see cref="LayerIngest"/> so shared ones are unpacked once.
/// </summary>
public sealed class ArchiveLoader(ImageStore store, IngestLog? log = null)
{
    public IReadOnlyList<StagedImage> Load(Stream source, IProgress<ImageProgress>? progress)
    {
        using var archive = StagedArchive.Spool(source, store.TempRoot);
        if (archive.Exists("manifest.json")) return LoadDockerArchive(archive, progress);
        if (archive.Exists("index.json") && archive.Exists("oci-layout")) return LoadOciLayout(archive, progress);
        throw new InvalidDataException("invalid image archive: it has neither manifest.json (docker save) nor index.json and oci-layout (OCI layout)");
    }

    private List<StagedImage> LoadDockerArchive(StagedArchive archive, IProgress<ImageProgress>? progress)
    {
        var entries = JsonSerializer.Deserialize<List<DockerArchiveManifestEntry>>(archive.ReadAll("manifest.json"), OciJson.Options)
            ?? throw new InvalidDataException("manifest.json is empty");
        var staged = new List<StagedImage>();
        foreach (var entry in entries)
        {
            var configBytes = archive.ReadAll(entry.Config);
            var config = ImageConfigFile.Parse(configBytes);
            var diffIds = config.RootFs.DiffIds;
            if (diffIds.Count != entry.Layers.Count)
                throw new InvalidDataException($"{entry.Config} lists {diffIds.Count} diffIDs but manifest.json lists {entry.Layers.Count} layers");
            var layers = new List<LayerRecord>();
            for (var i = 0; i < entry.Layers.Count; i++)
            {
                using var layer = archive.Open(entry.Layers[i]);
                var (record, _) = store.Layers.Ingest(layer, diffIds.Take(i).ToList(), null, diffIds[i], null, layer.Length, progress, log);
                layers.Add(record);
            }
            var tags = (entry.RepoTags ?? []).Select(t => ImageReference.Parse(t).WithDefaultTag().ToString()).ToList();
            staged.Add(store.Stage(configBytes, layers, tags, log: log));
        }
        return staged;
    }

    private List<StagedImage> LoadOciLayout(StagedArchive archive, IProgress<ImageProgress>? progress)
    {
        var index = OciJson.Deserialize<ImageIndexDocument>(archive.ReadAll("index.json"), "index.json");
        var staged = new List<StagedImage>();
        foreach (var top in index.Manifests)
        {
            var descriptor = top;
            // Nested indexes (multi-platform images): pick linux on this host's architecture.
            for (var depth = 0; MediaTypes.IsIndex(descriptor.MediaType); depth++)
            {
                if (depth > 4) throw new InvalidDataException("OCI layout nests indexes too deeply");
                var nested = OciJson.Deserialize<ImageIndexDocument>(ReadBlob(archive, descriptor.Digest), "image index");
                descriptor = nested.SelectPlatform(Platform.Host)
                    ?? throw new InvalidDataException($"image index {descriptor.Digest} has no manifest for {Platform.Host.Os}/{Platform.Host.Architecture}");
            }
            if (!MediaTypes.IsManifest(descriptor.MediaType)) continue;   // artifacts and unknown types are skipped, as the spec asks
            var manifestBytes = ReadBlob(archive, descriptor.Digest);
            var manifest = OciJson.Deserialize<Manifest>(manifestBytes, "image manifest");
            var configBytes = ReadBlob(archive, manifest.Config.Digest);
            var config = ImageConfigFile.Parse(configBytes);
            var diffIds = config.RootFs.DiffIds;
            var blobLayers = manifest.Layers.Where(l => MediaTypes.IsLayer(l.MediaType)).ToList();
            if (blobLayers.Count != diffIds.Count)
                throw new InvalidDataException($"manifest {descriptor.Digest} has {blobLayers.Count} layers but its config lists {diffIds.Count} diffIDs");
            var layers = new List<LayerRecord>();
            for (var i = 0; i < blobLayers.Count; i++)
            {
                using var blob = archive.Open(BlobPath(blobLayers[i].Digest));
                var (record, _) = store.Layers.Ingest(blob, diffIds.Take(i).ToList(), blobLayers[i].Digest, diffIds[i], blobLayers[i].MediaType, blobLayers[i].Size, progress, log);
                layers.Add(record);
            }
            staged.Add(store.Stage(configBytes, layers, TagsOf(top), manifestBytes, manifest.Config.Digest, log: log));
        }
        return staged;
    }

    /// <summary>Names from io.containerd.image.name (full reference) or org.opencontainers.image.ref.name when it is a full reference.</summary>
    private static List<string> TagsOf(Descriptor descriptor)
    {
        var annotations = descriptor.Annotations ?? new Dictionary<string, string>();
        string? name = null;
        if (annotations.TryGetValue("io.containerd.image.name", out var full)) name = full;
        else if (annotations.TryGetValue("org.opencontainers.image.ref.name", out var refName) && (refName.Contains('/') || refName.Contains(':'))) name = refName;
        if (name is null || !ImageReference.TryParse(name, out var reference) || reference!.IsCanonical) return [];
        return [reference.WithDefaultTag().ToString()];
    }

    private static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private static byte[] ReadBlob(StagedArchive archive, Digest digest)
    {
        var bytes = archive.ReadAll(BlobPath(digest));
        var actual = Digest.Of(bytes, digest.Algorithm);
        if (actual != digest) throw new DigestMismatchException(digest, actual);
        return bytes;
    }
}
