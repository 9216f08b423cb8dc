using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Store;

/// <summary>A new image whose blobs and snapshots are in place, waiting to be entered in the index.</summary>
public sealed record StagedImage(ImageRecord Image, IReadOnlyList<LayerRecord> Layers, IReadOnlyList<string> Tags);

/// <summary>
/// The on-disk side of images under one data root: content store, snapshots and the index file. Thread-safe for the
/// ingest and read operations that jobs run concurrently; the index itself is only changed by the images actor.
/// </summary>
public sealed class ImageStore
{
    private ImageStore(string dataRoot)
    {
        DataRoot = dataRoot;
        Content = ContentStore.Open(dataRoot);
        Snapshots = SnapshotStore.Open(dataRoot);
        IndexFile = new ImageIndexFile(dataRoot);
        ExactMode.Directory(Path.Combine(dataRoot, "tmp"), ExactMode.Dir0700);   // staged loads: image content
        TempRoot = Path.Combine(dataRoot, "tmp", "images");
        if (Directory.Exists(TempRoot)) Directory.Delete(TempRoot, recursive: true);
        Directory.CreateDirectory(TempRoot);
        Layers = new LayerIngest(Content, Snapshots);
    }

    public string DataRoot { get; }
    public ContentStore Content { get; }
    public SnapshotStore Snapshots { get; }
    public ImageIndexFile IndexFile { get; }
    public LayerIngest Layers { get; }
    /// <summary>Scratch space on the same filesystem as the store (load staging).</summary>
    public string TempRoot { get; }

    public static ImageStore Open(string dataRoot) => new(dataRoot);

    /// <summary>Diff size of a snapshot, 0 when it is missing.</summary>
    public long SizeOf(Digest chainId) => Snapshots.Exists(chainId) ? Snapshots.SizeOf(chainId) : 0;

    public ImageConfigFile ReadConfig(Digest imageId) => ImageConfigFile.Parse(Content.ReadAll(imageId));

    /// <summary>Lower dirs of an image's rootfs, top layer first (the order overlay's lowerdir wants).</summary>
    public IReadOnlyList<string> LowerDirs(ImageRecord image) => LowerDirs(image.ChainIds);

    /// <summary>Lower dirs of snapshots given by chain id, base first (as <see cref="Berth.Actors.Protocol.ImageResolved"/> carries them), top layer first.</summary>
    public IReadOnlyList<string> LowerDirs(IEnumerable<Digest> chainIds) => SnapshotStore.LowerDirsOf(Snapshots.Root, chainIds);

    /// <summary>
    /// Stores a config (and a manifest: the given one, or a synthesised OCI manifest over <paramref name="layers"/>)
    /// after checking that the config's diffIDs are exactly the layers'.
    /// </summary>
    public StagedImage Stage(byte[] configBytes, IReadOnlyList<LayerRecord> layers, IReadOnlyList<string> tags,
        byte[]? manifestBytes = null, Digest? expectedConfig = null, Digest? parent = null, IngestLog? log = null)
    {
        var config = ImageConfigFile.Parse(configBytes);
        var diffIds = config.RootFs.DiffIds;
        if (!diffIds.SequenceEqual(layers.Select(l => l.DiffId)))
            throw new InvalidDataException($"image config lists diffIDs [{string.Join(", ", diffIds)}] but the layers are [{string.Join(", ", layers.Select(l => l.DiffId))}]");
        var id = Content.Write(configBytes, expectedConfig);
        log?.Blob(id);
        manifestBytes ??= OciJson.Serialize(new Manifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = id, Size = configBytes.Length },
            Layers = [.. layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Blob, Size = l.BlobSize })],
        });
        var manifest = Content.Write(manifestBytes);
        log?.Blob(manifest);
        Digest? parentId = parent ?? (Digest.TryParse(config.Parent, out var p) ? p : null);
        var record = new ImageRecord
        {
            Id = id,
            Manifest = manifest,
            DiffIds = diffIds,
            Parent = parentId,
            Created = config.CreatedTime,
            Labels = config.Config?.Labels,
        };
        return new StagedImage(record, layers, tags);
    }

    /// <summary>Deletes what <see cref="ImageGarbage"/> found unreferenced; snapshots are renamed away first, then removed.</summary>
    public void Delete(Garbage garbage)
    {
        foreach (var blob in garbage.Blobs) Content.Delete(blob);
        foreach (var chain in garbage.ChainIds) Snapshots.Delete(chain);
    }

    /// <summary>Fast part of a deletion (renames and unlinks); returns trash dirs to remove later.</summary>
    public IReadOnlyList<string> Retire(Garbage garbage)
    {
        foreach (var blob in garbage.Blobs) Content.Delete(blob);
        return [.. garbage.ChainIds.Select(Snapshots.Retire).OfType<string>()];
    }

    /// <summary>sha256 of an empty tar (two zero blocks): a commit without changes adds no layer, only history.</summary>
    public static readonly Digest EmptyLayerDiffId = Digest.Sha256("5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");

    /// <summary>
    /// `docker commit`: the container's overlay upper dir becomes a new layer on top of its image. The config is the
    /// container's config with <paramref name="changes"/> applied; history gets the container's command as created_by.
    /// </summary>
    public StagedImage Commit(ImageRecord parent, IReadOnlyList<LayerRecord> parentLayers, string upperDir, ContainerConfig containerConfig,
        string containerId, string? comment, string? author, IReadOnlyList<string> changes, IReadOnlyList<string> tags, DateTimeOffset now,
        IngestLog? log = null)
    {
        var parentConfig = ReadConfig(parent.Id);
        var diff = Path.Combine(TempRoot, "commit-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            using (var file = new FileStream(diff, FileMode.CreateNew, FileAccess.Write)) DirectoryArchiver.Write(upperDir, file, overlayUpper: true);
            LayerRecord layer;
            using (var file = File.OpenRead(diff)) (layer, _) = Layers.Ingest(file, parent.DiffIds, null, null, MediaTypes.OciLayer, file.Length, null, log);
            var empty = layer.DiffId == EmptyLayerDiffId;
            var created = Time.Format(now);
            var config = parentConfig with
            {
                Created = created,
                Container = containerId,
                ContainerConfig = containerConfig,
                Config = ConfigChanges.Apply(containerConfig, changes),
                Comment = string.IsNullOrEmpty(comment) ? null : comment,
                Author = string.IsNullOrEmpty(author) ? null : author,
                DockerVersion = null,
                Parent = parent.Id.ToString(),
                History = [.. parentConfig.History ?? [], new HistoryEntry
                {
                    Created = created,
                    Author = string.IsNullOrEmpty(author) ? null : author,
                    CreatedBy = string.Join(' ', containerConfig.Cmd ?? []),
                    Comment = string.IsNullOrEmpty(comment) ? null : comment,
                    EmptyLayer = empty,
                }],
                RootFs = new RootFs { DiffIds = empty ? parent.DiffIds : [.. parent.DiffIds, layer.DiffId] },
            };
            return Stage(OciJson.Serialize(config), empty ? parentLayers : [.. parentLayers, layer], tags, parent: parent.Id, log: log);
        }
        finally
        {
            File.Delete(diff);
        }
    }

    /// <summary>`docker import`: one rootfs tarball (plain, gzip or zstd) becomes a single-layer image with the given changes.</summary>
    public StagedImage Import(Stream source, IReadOnlyList<string> tags, string? message, IReadOnlyList<string> changes,
        DateTimeOffset now, IProgress<ImageProgress>? progress = null, IngestLog? log = null)
    {
        var containerConfig = ConfigChanges.Apply(new ContainerConfig(), changes);
        var (layer, _) = Layers.Ingest(source, [], null, null, null, -1, progress, log);
        var created = Time.Format(now);
        var comment = string.IsNullOrEmpty(message) ? "Imported from -" : message;
        var config = new ImageConfigFile
        {
            Architecture = Platform.Host.Architecture,
            Comment = comment,
            Config = containerConfig,
            Created = created,
            History = [new HistoryEntry { Created = created, Comment = comment }],
            Os = "linux",
            RootFs = new RootFs { DiffIds = [layer.DiffId] },
        };
        return Stage(OciJson.Serialize(config), [layer], tags, log: log);
    }
}
