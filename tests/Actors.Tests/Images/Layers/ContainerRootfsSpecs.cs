using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;

namespace Berth.Actors.Tests.Images.Layers;

public sealed class ContainerRootfsSpecs : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Export_writes_the_merged_view_and_remove_leaves_nothing_mounted()
    {
        var snapshots = SnapshotStore.Open(_scratch.Dir("data"));
        var layer = new LayerBuilder().File("etc/hostname", "base").File("etc/gone", "x").Build();
        snapshots.Ensure(Digest.Of(layer), new MemoryStream(layer));
        var layout = ContainerRootfs.Layout(_scratch.Dir("containers/c1"), [snapshots.FsOf(Digest.Of(layer))]);
        ContainerRootfs.Mount(layout);
        ContainerRootfs.Mount(layout);   // idempotent
        File.WriteAllText(Path.Combine(layout.MergedDir, "etc/hostname"), "c1");
        File.Delete(Path.Combine(layout.MergedDir, "etc/gone"));
        ContainerRootfs.Unmount(layout);
        Assert.Equal([new("/etc", 0), new("/etc/gone", 2), new("/etc/hostname", 0)], ContainerRootfs.ChangesForApi(layout));

        var tar = new MemoryStream();
        ContainerRootfs.Export(layout, tar);
        var files = new Dictionary<string, string>();
        var reader = new TarReader(new MemoryStream(tar.ToArray()));
        while (reader.Next() is { } e)
            if (e.Type == TarEntryType.Regular) files[e.Name] = new StreamReader(reader.Data).ReadToEnd();
        // The init layer's mount points are part of the filesystem (empty, as in docker export), never of its changes.
        Assert.Equal(new Dictionary<string, string> { ["etc/hostname"] = "c1", ["etc/hosts"] = "", ["etc/resolv.conf"] = "" }, files);

        ContainerRootfs.Remove(layout);
        Assert.DoesNotContain(File.ReadAllText("/proc/self/mounts"), _scratch.Root);
        Assert.False(Directory.Exists(Path.Combine(_scratch.Root, "containers/c1/rootfs")));
    }
}
