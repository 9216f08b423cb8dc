using System.Text.Json;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Runtime.Native;

namespace Berth.Actors.Tests.Images.Archives;

/// <summary>docker import, save and load against real files, and OCI layouts checked by skopeo and umoci.</summary>
public sealed class ImageArchiveSpecs : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 15, 35, 42, TimeSpan.Zero);
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private ImageStore NewStore(string name) => ImageStore.Open(_scratch.Dir(name));

    /// <summary>Imports a layer and enters it in an index the way the actor does.</summary>
    private static (ImageIndex Index, StagedImage Staged) Import(ImageStore store, ImageIndex index, byte[] tar, string? tag, params string[] changes)
    {
        var staged = store.Import(new MemoryStream(tar), tag is null ? [] : [ImageReference.Parse(tag).WithDefaultTag().ToString()], null, changes, Now);
        index = index.AddImage(staged.Image, staged.Layers);
        foreach (var t in staged.Tags) index = index.Tag(staged.Image.Id, ImageReference.Parse(t), Now);
        return (index, staged);
    }

    private static ImageIndex Enter(ImageIndex index, IEnumerable<StagedImage> staged)
    {
        foreach (var s in staged)
        {
            index = index.AddImage(s.Image, s.Layers);
            foreach (var t in s.Tags) index = index.Tag(s.Image.Id, ImageReference.Parse(t), Now);
        }
        return index;
    }

    private static byte[] Rootfs(string marker = "v1") =>
        new LayerBuilder().Dir("bin").File("bin/tool", "#!/bin/sh\necho " + marker + "\n", 0b111_101_101).Symlink("bin/sh", "tool")
            .Dir("etc").File("etc/version", marker).CharDevice("dev/null", 1, 3).Build();

    [Fact]
    public void Import_with_changes_writes_them_into_the_image_config()
    {
        var store = NewStore("a");
        var (_, staged) = Import(store, ImageIndex.Empty, LayerBuilder.Gzip(Rootfs()), "busybox",
            "CMD [\"sh\", \"-c\", \"echo hi\"]", "ENTRYPOINT /bin/tool", "ENV A=1 B=\"two words\"", "ENV C 3", "WORKDIR /app", "WORKDIR sub",
            "LABEL org.example=yes", "EXPOSE 80 8000-8001/udp", "USER nobody", "VOLUME [\"/data\"]", "STOPSIGNAL SIGINT", "ONBUILD RUN true");
        var config = store.ReadConfig(staged.Image.Id);
        var c = config.Config!;
        Assert.Equal(["sh", "-c", "echo hi"], c.Cmd);
        Assert.Equal(["/bin/sh", "-c", "/bin/tool"], c.Entrypoint);
        Assert.Equal(["A=1", "B=two words", "C=3"], c.Env);
        Assert.Equal("/app/sub", c.WorkingDir);
        Assert.Equal("yes", c.Labels!["org.example"]);
        Assert.Equal(["80/tcp", "8000/udp", "8001/udp"], c.ExposedPorts!.Keys.Order());
        Assert.Equal("nobody", c.User);
        Assert.Equal(["/data"], c.Volumes!.Keys);
        Assert.Equal("SIGINT", c.StopSignal);
        Assert.Equal(["RUN true"], c.OnBuild);
        Assert.Equal("Imported from -", config.Comment);
        Assert.Equal(("linux", Platform.Host.Architecture), (config.Os, config.Architecture));
        Assert.Equal(staged.Image.Id, Digest.Of(File.ReadAllBytes(store.Content.PathOf(staged.Image.Id))));
        Assert.Equal(MediaTypes.OciLayerGzip, staged.Layers[0].MediaType);
        Assert.Equal(Digest.Of(Rootfs()), staged.Layers[0].DiffId);
    }

    [Fact]
    public void A_zstd_rootfs_imports_and_keeps_its_compressed_blob()
    {
        var tar = Rootfs("zstd");
        var zstd = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(zstd, 3, leaveOpen: true)) z.Write(tar);
        var store = NewStore("z");
        var (_, staged) = Import(store, ImageIndex.Empty, zstd.ToArray(), "z:1");
        Assert.Equal(MediaTypes.OciLayerZstd, staged.Layers[0].MediaType);
        Assert.Equal(Digest.Of(tar), staged.Layers[0].DiffId);
        Assert.Equal(Digest.Of(zstd.ToArray()), staged.Layers[0].Blob);
        Assert.Equal(tar.Length, staged.Layers[0].TarSize);
        Assert.Equal("zstd", File.ReadAllText(Path.Combine(store.LowerDirs(staged.Image)[0], "etc/version")));
    }

    [Fact]
    public void An_unknown_change_instruction_is_refused()
    {
        var store = NewStore("a");
        var error = Assert.Throws<Berth.Actors.Protocol.ImageOperationException>(() => Import(store, ImageIndex.Empty, Rootfs(), "x", "RUN rm -rf /"));
        Assert.Equal("run is not a valid change command", error.Message);
    }

    [Fact]
    public void Docker_archive_save_then_load_gives_the_same_image_and_files()
    {
        var source = NewStore("source");
        var (index, staged) = Import(source, ImageIndex.Empty, Rootfs(), "127.0.0.1:5000/bb:1", "CMD [\"sh\"]");
        var archive = _scratch.PathOf("bb.tar");
        using (var file = File.Create(archive))
            new ArchiveWriter(source, index).Write([new SaveItem(staged.Image, [ImageReference.Parse("127.0.0.1:5000/bb:1")])], file, ImageArchiveFormat.DockerArchive);

        var listing = Tool.Run("tar", "-tf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"{staged.Image.Id.Hex}.json", listing);
        Assert.Contains("manifest.json", listing);
        Assert.Contains("repositories", listing);
        Assert.Single(listing, n => n.EndsWith("/layer.tar"));
        var manifestJson = Tool.Run("tar", "-xOf", archive, "manifest.json");
        Assert.Contains("\"RepoTags\":[\"127.0.0.1:5000/bb:1\"]", manifestJson);

        var target = NewStore("target");
        using var input = File.OpenRead(archive);
        var loaded = new ArchiveLoader(target).Load(input, null);
        var image = Assert.Single(loaded);
        Assert.Equal(staged.Image.Id, image.Image.Id);
        Assert.Equal(staged.Image.DiffIds, image.Image.DiffIds);
        Assert.Equal(["127.0.0.1:5000/bb:1"], image.Tags);
        var fs = target.LowerDirs(image.Image)[0];
        Assert.Equal("v1", File.ReadAllText(Path.Combine(fs, "etc/version")));
        Assert.Equal(FileStatus.S_IFCHR, FileStatus.Lstat(Path.Combine(fs, "dev/null")).Type);
    }

    [Fact]
    public void A_gzipped_archive_with_shared_layers_loads_and_unpacks_each_layer_once()
    {
        var source = NewStore("source");
        var baseLayer = Rootfs("base");
        var index = ImageIndex.Empty;
        var images = new List<StagedImage>();
        foreach (var name in new[] { "a", "b" })
        {
            var top = new LayerBuilder().File("app/" + name, name).Build();
            var layers = new List<LayerRecord>();
            var parents = new List<Digest>();
            foreach (var layer in new[] { baseLayer, top })
            {
                var (record, _) = source.Layers.Ingest(new MemoryStream(layer), parents, null, null, null, layer.Length, null);
                layers.Add(record);
                parents.Add(record.DiffId);
            }
            var config = new ImageConfigFile { Architecture = "amd64", Os = "linux", Created = "2026-11-26T15:35:42Z", RootFs = new RootFs { DiffIds = parents }, Config = new() { Cmd = [name] } };
            var staged = source.Stage(OciJson.Serialize(config), layers, [ImageReference.Parse(name).WithDefaultTag().ToString()]);
            images.Add(staged);
        }
        index = Enter(index, images);
        var raw = new MemoryStream();
        new ArchiveWriter(source, index).Write([.. images.Select(i => new SaveItem(i.Image, [ImageReference.Parse(i.Tags[0])]))], raw, ImageArchiveFormat.DockerArchive);

        var target = NewStore("target");
        var progress = new List<ImageProgress>();
        var loaded = new ArchiveLoader(target).Load(new MemoryStream(LayerBuilder.Gzip(raw.ToArray())), new SyncProgress(progress));
        Assert.Equal(images.Select(i => i.Image.Id), loaded.Select(l => l.Image.Id));
        Assert.Equal(3, target.Snapshots.List().Count());   // base once, plus one top each
        Assert.Contains(progress, p => p.Status == "Loading layer" && p.Current == p.Total);
        // A second load of the same archive finds every snapshot in place and leaves it untouched.
        var baseChain = loaded[0].Image.ChainIds[0];
        File.WriteAllText(Path.Combine(target.Snapshots.FsOf(baseChain), "sentinel"), "kept");
        new ArchiveLoader(target).Load(new MemoryStream(LayerBuilder.Gzip(raw.ToArray())), null);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(target.Snapshots.FsOf(baseChain), "sentinel")));
    }

    [Fact]
    public void A_layer_that_does_not_match_its_diff_id_fails_the_load_and_leaves_the_store_as_it_was()
    {
        var source = NewStore("source");
        var (index, staged) = Import(source, ImageIndex.Empty, Rootfs(), "victim");
        var raw = new MemoryStream();
        new ArchiveWriter(source, index).Write([new SaveItem(staged.Image, [ImageReference.Parse("victim:latest")])], raw, ImageArchiveFormat.DockerArchive);
        // Swap the layer for a different tar of the same length, keeping the config (and its diffID) intact.
        var tampered = Retar(raw.ToArray(), name => name.EndsWith("layer.tar"), data =>
        {
            var other = Rootfs("v2");
            Assert.Equal(data.Length, other.Length);
            return other;
        });
        var target = NewStore("target");
        var blobsBefore = target.Content.List().ToList();
        var error = Assert.Throws<DigestMismatchException>(() => new ArchiveLoader(target).Load(new MemoryStream(tampered), null));
        Assert.Equal(staged.Image.DiffIds[0], error.Expected);
        Assert.Empty(target.Snapshots.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Snapshots.Root));
        Assert.Equal(blobsBefore, target.Content.List().ToList());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(target.Content.Root, "ingest")));
    }

    [Fact]
    public void An_oci_layout_export_is_readable_by_skopeo_and_umoci()
    {
        var source = NewStore("source");
        var (index, staged) = Import(source, ImageIndex.Empty, LayerBuilder.Gzip(Rootfs("oci")), "example.com/team/app:2.0", "ENV A=1");
        var tar = _scratch.PathOf("oci.tar");
        using (var file = File.Create(tar))
            new ArchiveWriter(source, index).Write([new SaveItem(staged.Image, [ImageReference.Parse("example.com/team/app:2.0")])], file, ImageArchiveFormat.OciLayout);
        var layout = _scratch.Dir("layout");
        Tool.Run("tar", "-xf", tar, "-C", layout);

        using var inspect = JsonDocument.Parse(Tool.Run("skopeo", "inspect", $"oci:{layout}:2.0"));
        Assert.Equal(staged.Image.Manifest.ToString(), inspect.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(staged.Layers[0].Blob.ToString(), inspect.RootElement.GetProperty("Layers")[0].GetString());
        Assert.Contains("A=1", inspect.RootElement.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));

        var bundle = _scratch.PathOf("bundle");
        Tool.Run("umoci", "unpack", "--image", $"{layout}:2.0", bundle);
        Assert.Equal("oci", File.ReadAllText(Path.Combine(bundle, "rootfs/etc/version")));
    }

    [Fact]
    public void An_oci_layout_written_by_skopeo_with_gzip_layers_loads()
    {
        var source = NewStore("source");
        var (index, staged) = Import(source, ImageIndex.Empty, Rootfs("skopeo"), "bb:1");
        var archive = _scratch.PathOf("bb.tar");
        using (var file = File.Create(archive))
            new ArchiveWriter(source, index).Write([new SaveItem(staged.Image, [ImageReference.Parse("bb:1")])], file, ImageArchiveFormat.DockerArchive);
        var layout = _scratch.PathOf("skopeo-layout");
        Tool.Run("skopeo", "copy", "--dest-compress", "--dest-compress-format", "gzip", $"docker-archive:{archive}", $"oci:{layout}:docker.io/library/bb:1");
        var tar = _scratch.PathOf("skopeo.tar");
        Tool.Run("tar", "-cf", tar, "-C", layout, ".");

        var target = NewStore("target");
        using var input = File.OpenRead(tar);
        var loaded = Assert.Single(new ArchiveLoader(target).Load(input, null));
        // skopeo rewrites the config into OCI form (new image ID) but the layer content, hence the diffIDs, is the same.
        Assert.Equal(staged.Image.DiffIds, loaded.Image.DiffIds);
        Assert.Equal(["docker.io/library/bb:1"], loaded.Tags);
        Assert.Equal(MediaTypes.OciLayerGzip, loaded.Layers[0].MediaType);
        Assert.Equal("skopeo", File.ReadAllText(Path.Combine(target.LowerDirs(loaded.Image)[0], "etc/version")));
    }

    private static byte[] Retar(byte[] archive, Func<string, bool> match, Func<byte[], byte[]> replace)
    {
        var output = new MemoryStream();
        var writer = new TarWriter(output);
        var reader = new TarReader(new MemoryStream(archive));
        while (reader.Next() is { } entry)
        {
            var data = new MemoryStream();
            reader.Data.CopyTo(data);
            var bytes = match(entry.Name) ? replace(data.ToArray()) : data.ToArray();
            entry.Size = entry.Type == TarEntryType.Regular ? bytes.Length : 0;
            writer.Write(entry, new MemoryStream(bytes));
        }
        writer.Finish();
        return output.ToArray();
    }

    private sealed class SyncProgress(List<ImageProgress> sink) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value) { lock (sink) sink.Add(value); }
    }
}

/// <summary>OCI layouts whose index points at a Docker manifest list: the linux entry for this host's architecture is loaded.</summary>
public sealed class MultiPlatformLoadSpecs : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_manifest_list_loads_the_linux_entry_for_this_architecture_read_as_docker_schema_2()
    {
        var layerTar = new LayerBuilder().File("etc/arch", Platform.Host.Architecture).Build();
        var layer = LayerBuilder.Gzip(layerTar);
        var config = OciJson.Serialize(new ImageConfigFile
        {
            Architecture = Platform.Host.Architecture, Os = "linux", Created = "2026-11-26T00:00:00Z",
            RootFs = new RootFs { DiffIds = [Digest.Of(layerTar)] },
        });
        var manifest = OciJson.Serialize(new Manifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = Digest.Of(config), Size = config.Length },
            Layers = [new Descriptor { MediaType = MediaTypes.DockerLayerGzip, Digest = Digest.Of(layer), Size = layer.Length }],
        });
        var missing = Digest.Of("an arm image that is not in the layout"u8);
        var list = OciJson.Serialize(new ImageIndexDocument
        {
            MediaType = MediaTypes.DockerManifestList,
            Manifests =
            [
                new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = missing, Size = 10, Platform = new Platform { Os = "linux", Architecture = "s390x" } },
                new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Of(manifest), Size = manifest.Length, Platform = Platform.Host },
            ],
        });
        var index = OciJson.Serialize(new ImageIndexDocument
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [new Descriptor
            {
                MediaType = MediaTypes.DockerManifestList, Digest = Digest.Of(list), Size = list.Length,
                Annotations = new Dictionary<string, string> { ["io.containerd.image.name"] = "docker.io/library/multi:1", ["org.opencontainers.image.ref.name"] = "1" },
            }],
        });
        var tar = new MemoryStream();
        var writer = new TarWriter(tar);
        void Add(string name, byte[] data) => writer.Write(new TarEntry { Name = name, Size = data.Length }, new MemoryStream(data));
        Add("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        Add("index.json", index);
        foreach (var blob in new[] { config, layer, manifest, list }) Add($"blobs/sha256/{Digest.Of(blob).Hex}", blob);
        writer.Finish();

        var store = ImageStore.Open(_scratch.Dir("data"));
        var loaded = Assert.Single(new ArchiveLoader(store).Load(new MemoryStream(tar.ToArray()), null));
        Assert.Equal(Digest.Of(config), loaded.Image.Id);
        Assert.Equal(Digest.Of(manifest), loaded.Image.Manifest);
        Assert.Equal(["docker.io/library/multi:1"], loaded.Tags);
        Assert.Equal(MediaTypes.DockerLayerGzip, loaded.Layers[0].MediaType);
        Assert.Equal(Platform.Host.Architecture, File.ReadAllText(Path.Combine(store.LowerDirs(loaded.Image)[0], "etc/arch")));
    }
}
