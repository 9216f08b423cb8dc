using Berth.Actors.Images.Archives;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Images.Archives;

/// <summary>One private dockerd for the whole class.</summary>
public sealed class DockerdFixture : IDisposable
{
    public PrivateDockerd Daemon { get; } = PrivateDockerd.Start();
    public void Dispose() => Daemon.Dispose();
}

/// <summary>Archives move both ways between berth's store and Debian's dockerd 20.10 with the same image IDs.</summary>
public sealed class DockerdInteropSpecs(DockerdFixture fixture) : IClassFixture<DockerdFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 15, 35, 42, TimeSpan.Zero);
    private readonly Scratch _scratch = new();
    private PrivateDockerd Dockerd => fixture.Daemon;

    public void Dispose() => _scratch.Dispose();

    private static byte[] Rootfs(string marker) =>
        new LayerBuilder().Dir("bin").File("bin/tool", "#!/bin/sh\necho " + marker + "\n", 0b111_101_101).Symlink("bin/sh", "tool")
            .Dir("etc").File("etc/version", marker).File("etc/owned", "o", uid: 1000, gid: 1000).Build();

    private (ImageStore Store, ImageIndex Index, StagedImage Image) ImportIntoBerth(string tag, byte[] tar)
    {
        var store = ImageStore.Open(_scratch.Dir("berth-" + Guid.NewGuid().ToString("N")[..6]));
        var staged = store.Import(new MemoryStream(tar), [ImageReference.Parse(tag).WithDefaultTag().ToString()], null, ["CMD [\"/bin/tool\"]"], Now);
        var index = ImageIndex.Empty.AddImage(staged.Image, staged.Layers).Tag(staged.Image.Id, ImageReference.Parse(tag).WithDefaultTag(), Now);
        return (store, index, staged);
    }

    [Theory]
    [InlineData(ImageArchiveFormat.DockerArchive)]
    [InlineData(ImageArchiveFormat.OciLayout)]
    public void Dockerd_loads_what_berth_saves_with_the_same_image_id_and_size(ImageArchiveFormat format)
    {
        var tag = $"berth-interop-{format.ToString().ToLowerInvariant()}:1";
        var (store, index, image) = ImportIntoBerth(tag, LayerBuilder.Gzip(Rootfs(format.ToString())));
        var archive = _scratch.PathOf("berth.tar");
        using (var file = File.Create(archive))
            new ArchiveWriter(store, index).Write([new SaveItem(image.Image, [ImageReference.Parse(tag)])], file, format);

        var output = Dockerd.Docker("load", "-i", archive);
        Assert.Contains($"Loaded image: {tag}", output);
        Assert.Equal(image.Image.Id.ToString(), Dockerd.Docker("image", "inspect", "--format", "{{.Id}}", tag).Trim());
        Assert.Equal(ImageViews.ChainSize(image.Image, store.SizeOf).ToString(), Dockerd.Docker("image", "inspect", "--format", "{{.Size}}", tag).Trim());
    }

    [Fact]
    public void Berth_loads_what_dockerd_saves_with_the_same_image_id_diff_ids_and_size()
    {
        var rootfs = _scratch.PathOf("rootfs.tar");
        File.WriteAllBytes(rootfs, Rootfs("from-dockerd"));
        var id = Dockerd.Docker("import", "--change", "ENV X=1", rootfs, "dockerd-made:1").Trim();
        var archive = _scratch.PathOf("dockerd.tar");
        Dockerd.Docker("save", "-o", archive, "dockerd-made:1");

        var store = ImageStore.Open(_scratch.Dir("berth"));
        using var input = File.OpenRead(archive);
        var loaded = Assert.Single(new ArchiveLoader(store).Load(input, null));
        Assert.Equal(id, loaded.Image.Id.ToString());
        Assert.Equal(["docker.io/library/dockerd-made:1"], loaded.Tags);
        Assert.Equal(Dockerd.Docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", "dockerd-made:1").Trim(),
            "[" + string.Join(',', loaded.Image.DiffIds.Select(d => $"\"{d}\"")) + "]");
        Assert.Equal(Dockerd.Docker("image", "inspect", "--format", "{{.Size}}", "dockerd-made:1").Trim(), ImageViews.ChainSize(loaded.Image, store.SizeOf).ToString());
        Assert.Equal("from-dockerd", File.ReadAllText(Path.Combine(store.LowerDirs(loaded.Image)[0], "etc/version")));
    }
}
