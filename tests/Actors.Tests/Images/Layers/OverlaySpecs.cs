using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Runtime.Mounts;

namespace Berth.Actors.Tests.Images.Layers;

/// <summary>Snapshots stacked through a real overlay mount behave as the layers say.</summary>
public sealed class OverlaySpecs : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly SnapshotStore _snapshots;

    public OverlaySpecs() { _snapshots = SnapshotStore.Open(_scratch.Dir("data")); }

    public void Dispose() => _scratch.Dispose();

    private string Snapshot(byte[] layer)
    {
        var chain = Digest.Of(layer);
        _snapshots.Ensure(chain, new MemoryStream(layer));
        return _snapshots.FsOf(chain);
    }

    private RootfsLayout Mount(params string[] lowersTopFirst)
    {
        var layout = new RootfsLayout(lowersTopFirst, _scratch.PathOf("c/upper"), _scratch.PathOf("c/work"), _scratch.PathOf("c/merged"));
        OverlayMount.Mount(layout.LowerDirs, layout.UpperDir, layout.WorkDir, layout.MergedDir);
        return layout;
    }

    [Fact]
    public void A_whiteout_removes_the_lower_file_and_an_opaque_dir_hides_lower_children()
    {
        var bottom = Snapshot(new LayerBuilder().File("etc/passwd", "root").File("etc/group", "g")
            .File("var/cache/old1", "1").File("var/cache/old2", "2").Build());
        var top = Snapshot(new LayerBuilder().Whiteout("etc", "passwd").Dir("var/cache").Opaque("var/cache").File("var/cache/new", "n").Build());
        var layout = Mount(top, bottom);
        try
        {
            Assert.False(File.Exists(Path.Combine(layout.MergedDir, "etc/passwd")));
            Assert.Equal("g", File.ReadAllText(Path.Combine(layout.MergedDir, "etc/group")));
            Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Combine(layout.MergedDir, "var/cache")).Select(Path.GetFileName));
        }
        finally { OverlayMount.Unmount(layout.MergedDir); }
    }

    [Fact]
    public void Changes_report_added_modified_and_deleted_paths_with_dockers_kinds()
    {
        var bottom = Snapshot(new LayerBuilder().File("etc/hosts", "h").File("etc/motd", "m").Dir("tmp").Build());
        var layout = Mount(bottom);
        try
        {
            File.WriteAllText(Path.Combine(layout.MergedDir, "etc/hosts"), "changed");
            File.Delete(Path.Combine(layout.MergedDir, "etc/motd"));
            Directory.CreateDirectory(Path.Combine(layout.MergedDir, "data/sub"));
        }
        finally { OverlayMount.Unmount(layout.MergedDir); }

        var changes = OverlayChanges.Of(layout.UpperDir, layout.LowerDirs);
        Assert.Equal(
            [new("/data", ChangeKind.Added), new("/data/sub", ChangeKind.Added), new("/etc", ChangeKind.Modified),
             new("/etc/hosts", ChangeKind.Modified), new("/etc/motd", ChangeKind.Deleted)],
            changes);
    }

    [Fact]
    public void An_upper_dir_exports_as_an_oci_layer_that_recreates_the_same_view()
    {
        var bottom = Snapshot(new LayerBuilder().File("a/keep", "k").File("a/gone", "g").File("b/x", "x").Build());
        var layout = Mount(bottom);
        try
        {
            File.Delete(Path.Combine(layout.MergedDir, "a/gone"));
            File.WriteAllText(Path.Combine(layout.MergedDir, "a/new"), "n");
        }
        finally { OverlayMount.Unmount(layout.MergedDir); }

        var diff = new MemoryStream();
        DirectoryArchiver.Write(layout.UpperDir, diff, overlayUpper: true);
        var names = new List<string>();
        var reader = new TarReader(new MemoryStream(diff.ToArray()));
        while (reader.Next() is { } e) names.Add(e.Name);
        Assert.Contains("a/.wh.gone", names);
        Assert.Contains("a/new", names);

        var top = Snapshot(diff.ToArray());
        var second = new RootfsLayout([top, bottom], _scratch.PathOf("d/upper"), _scratch.PathOf("d/work"), _scratch.PathOf("d/merged"));
        OverlayMount.Mount(second.LowerDirs, second.UpperDir, second.WorkDir, second.MergedDir);
        try
        {
            Assert.Equal(["keep", "new"], Directory.EnumerateFiles(Path.Combine(second.MergedDir, "a")).Select(Path.GetFileName).Order());
        }
        finally { OverlayMount.Unmount(second.MergedDir); }
    }
}
