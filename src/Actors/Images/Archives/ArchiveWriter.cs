using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Archives;

/// <summary>Layout of a `docker save` archive.</summary>
public enum ImageArchiveFormat
{
    /// <summary>The legacy docker save layout dockerd 20.10 writes and reads: &lt;v1id&gt;/layer.tar, &lt;config&gt;.json, manifest.json, repositories.</summary>
    DockerArchive,
    /// <summary>An OCI image layout (oci-layout, index.json, blobs/) that is also loadable by docker via its manifest.json.</summary>
    OciLayout,
}

/// <summary>One image to save with the tags (full references) to record for it.</summary>
public sealed record SaveItem(ImageRecord Image, IReadOnlyList<References.ImageReference> Tags);

/// <summary>`docker save`: writes images as a tar stream in either layout, straight from the store's blobs.</summary>
public sealed class ArchiveWriter(ImageStore store, ImageIndex index)
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public void Write(IReadOnlyList<SaveItem> items, Stream output, ImageArchiveFormat format)
    {
        var tar = new TarWriter(output);
        if (format == ImageArchiveFormat.DockerArchive) WriteDockerArchive(items, tar);
        else WriteOciLayout(items, tar);
        tar.Finish();
    }

    private void WriteDockerArchive(IReadOnlyList<SaveItem> items, TarWriter tar)
    {
        var written = new HashSet<string>();
        var manifest = new List<DockerArchiveManifestEntry>();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var image = item.Image;
            var configBytes = store.Content.ReadAll(image.Id);
            var config = ImageConfigFile.Parse(configBytes);
            var layerPaths = new List<string>();
            string? parentV1 = null;
            var chains = image.ChainIds;
            for (var i = 0; i < chains.Count; i++)
            {
                var v1 = V1Id(chains[i], parentV1);
                layerPaths.Add($"{v1}/layer.tar");
                if (written.Add(v1))
                {
                    var layer = LayerOf(image.DiffIds[i]);
                    AddDir(tar, v1);
                    AddFile(tar, $"{v1}/VERSION", "1.0"u8.ToArray());
                    AddFile(tar, $"{v1}/json", V1Json(v1, parentV1, config, i == chains.Count - 1));
                    using var blob = store.Content.OpenRead(layer.Blob);
                    var (uncompressed, _) = Compression.Decompress(blob);
                    using (uncompressed)
                        tar.Write(FileEntry($"{v1}/layer.tar", layer.TarSize), uncompressed);
                }
                parentV1 = v1;
            }
            var configName = $"{image.Id.Hex}.json";
            if (written.Add(configName)) AddFile(tar, configName, configBytes);
            manifest.Add(new DockerArchiveManifestEntry
            {
                Config = configName,
                RepoTags = item.Tags.Count == 0 ? null : [.. item.Tags.Select(t => t.Familiar)],
                Layers = layerPaths,
            });
            foreach (var tag in item.Tags)
            {
                if (!repositories.TryGetValue(tag.FamiliarName, out var tags)) repositories[tag.FamiliarName] = tags = new(StringComparer.Ordinal);
                tags[tag.Tag ?? "latest"] = parentV1 ?? "";
            }
        }
        AddFile(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, OciJson.Options));
        if (repositories.Count > 0) AddFile(tar, "repositories", JsonSerializer.SerializeToUtf8Bytes(repositories, OciJson.Options));
    }

    private void WriteOciLayout(IReadOnlyList<SaveItem> items, TarWriter tar)
    {
        var written = new HashSet<Digest>();
        var descriptors = new List<Descriptor>();
        var manifest = new List<DockerArchiveManifestEntry>();
        AddFile(tar, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        AddDir(tar, "blobs");
        AddDir(tar, "blobs/sha256");
        foreach (var item in items)
        {
            var image = item.Image;
            var manifestBytes = store.Content.ReadAll(image.Manifest);
            var parsed = OciJson.Deserialize<Manifest>(manifestBytes, "image manifest");
            foreach (var blob in new[] { image.Manifest, parsed.Config.Digest }.Concat(parsed.Layers.Select(l => l.Digest)))
            {
                if (!written.Add(blob)) continue;
                using var data = store.Content.OpenRead(blob);
                tar.Write(FileEntry($"blobs/{blob.Algorithm}/{blob.Hex}", data.Length), data);
            }
            var mediaType = parsed.MediaType ?? OciJson.MediaTypeOf(manifestBytes) ?? MediaTypes.OciManifest;
            var descriptor = new Descriptor { MediaType = mediaType, Digest = image.Manifest, Size = manifestBytes.Length };
            if (item.Tags.Count == 0) descriptors.Add(descriptor);
            foreach (var tag in item.Tags)
                descriptors.Add(descriptor with
                {
                    Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["io.containerd.image.name"] = tag.ToString(),
                        ["org.opencontainers.image.ref.name"] = tag.Tag ?? "latest",
                    },
                });
            manifest.Add(new DockerArchiveManifestEntry
            {
                Config = $"blobs/{parsed.Config.Digest.Algorithm}/{parsed.Config.Digest.Hex}",
                RepoTags = item.Tags.Count == 0 ? null : [.. item.Tags.Select(t => t.Familiar)],
                Layers = [.. parsed.Layers.Select(l => $"blobs/{l.Digest.Algorithm}/{l.Digest.Hex}")],
            });
        }
        AddFile(tar, "index.json", OciJson.Serialize(new ImageIndexDocument { MediaType = MediaTypes.OciIndex, Manifests = descriptors }));
        AddFile(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, OciJson.Options));
    }

    private LayerRecord LayerOf(Digest diffId) =>
        index.Layers.GetValueOrDefault(diffId.ToString()) ?? throw new InvalidDataException($"layer {diffId} has no blob in the store");

    /// <summary>A stable synthetic v1 layer id: docker derives it from the chain and the parent's id too.</summary>
    private static string V1Id(Digest chainId, string? parentV1) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"{chainId} {parentV1}")));

    private static byte[] V1Json(string id, string? parent, ImageConfigFile config, bool top)
    {
        var json = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["created"] = top ? config.Created ?? Time.Zero : Time.Zero,
            ["container_config"] = top ? config.ContainerConfig ?? config.Config ?? new ContainerConfig() : new ContainerConfig(),
            ["os"] = config.Os,
        };
        if (parent is not null) json["parent"] = parent;
        if (top) { json["architecture"] = config.Architecture; json["config"] = config.Config; }
        return JsonSerializer.SerializeToUtf8Bytes(json, OciJson.Options);
    }

    private static TarEntry FileEntry(string name, long size) => new() { Name = name, Size = size, Mode = 0b110_100_100, ModTime = Epoch };

    private static void AddFile(TarWriter tar, string name, byte[] data) => tar.Write(FileEntry(name, data.Length), new MemoryStream(data));

    private static void AddDir(TarWriter tar, string name) =>
        tar.Write(new TarEntry { Name = name, Type = TarEntryType.Directory, Mode = 0b111_101_101, ModTime = Epoch });
}
