using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Runtime.Native;

namespace Berth.Actors.Tests.Images.Layers;

/// <summary>Layers crafted to write outside their root are refused, and nothing lands outside.</summary>
public sealed class HostileLayerSpecs : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _outside;
    private readonly SnapshotStore _snapshots;

    public HostileLayerSpecs()
    {
        _outside = _scratch.Dir("outside");
        File.WriteAllText(Path.Combine(_outside, "victim"), "original");
        _snapshots = SnapshotStore.Open(_scratch.Dir("data"));
    }

    public void Dispose() => _scratch.Dispose();

    private void AssertRefusedAndOutsideUntouched(byte[] layer)
    {
        var chain = Digest.Of(layer);
        Assert.Throws<LayerEscapeException>(() => _snapshots.Ensure(chain, new MemoryStream(layer)));
        Assert.Equal(["victim"], Directory.EnumerateFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Equal("original", File.ReadAllText(Path.Combine(_outside, "victim")));
        Assert.False(_snapshots.Exists(chain));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_snapshots.Root));
    }

    [Fact]
    public void Dot_dot_entries_are_refused() =>
        AssertRefusedAndOutsideUntouched(new LayerBuilder().File("a/../../../outside/victim", "pwned").Build());

    [Fact]
    public void Writing_through_an_absolute_symlink_is_refused() =>
        AssertRefusedAndOutsideUntouched(new LayerBuilder().Symlink("escape", _outside).File("escape/victim", "pwned").File("escape/new", "pwned").Build());

    [Fact]
    public void Writing_through_a_relative_symlinked_parent_is_refused() =>
        AssertRefusedAndOutsideUntouched(new LayerBuilder().Dir("d").Symlink("d/up", "../../../../../../../../" + _outside.TrimStart('/')).File("d/up/new", "pwned").Build());

    [Fact]
    public void Hardlinks_to_files_outside_the_layer_are_refused()
    {
        AssertRefusedAndOutsideUntouched(new LayerBuilder().Hardlink("stolen", "../outside/victim").Build());
        var absolute = new LayerBuilder().Hardlink("stolen", Path.Combine(_outside, "victim")).Build();
        var error = Assert.Throws<InvalidDataException>(() => _snapshots.Ensure(Digest.Of(absolute), new MemoryStream(absolute)));
        Assert.Contains("does not contain", error.Message);
        Assert.Equal(1u, FileStatus.Lstat(Path.Combine(_outside, "victim")).Nlink);
    }

    [Fact]
    public void A_hardlink_through_a_symlinked_directory_is_refused() =>
        AssertRefusedAndOutsideUntouched(new LayerBuilder().Symlink("o", _outside).Hardlink("stolen", "o/victim").Build());

    [Fact]
    public void A_truncated_gzip_layer_fails_and_leaves_no_snapshot()
    {
        var layer = LayerBuilder.Gzip(new LayerBuilder().File("big", new string('x', 200_000)).File("after", "y").Build());
        var truncated = layer[..(layer.Length / 2)];
        var (stream, _) = Compression.Decompress(new MemoryStream(truncated));
        Assert.ThrowsAny<Exception>(() => _snapshots.Ensure(Digest.Of(layer), stream));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_snapshots.Root));
    }

    [Fact]
    public void Overlay_private_xattrs_in_a_layer_are_dropped()
    {
        var layer = new LayerBuilder().File("etc/x", "x", xattrs: new Dictionary<string, byte[]>
        {
            ["trusted.overlay.redirect"] = "/etc/shadow"u8.ToArray(),
            ["user.kept"] = "yes"u8.ToArray(),
        }).Build();
        var chain = Digest.Of(layer);
        _snapshots.Ensure(chain, new MemoryStream(layer));
        var file = Path.Combine(_snapshots.FsOf(chain), "etc/x");
        Assert.Null(ExtendedAttributes.Get(file, "trusted.overlay.redirect"));
        Assert.Equal("yes"u8.ToArray(), ExtendedAttributes.Get(file, "user.kept"));
    }
}
