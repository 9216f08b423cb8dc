using System.Text;
using Berth.Actors.Images.Layers;
using Berth.Runtime.Native;

namespace Berth.Actors.Tests.Images.Layers;

public sealed class LayerUnpackerSpecs : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Unpack(byte[] tar)
    {
        var target = _scratch.Dir("layer");
        LayerUnpacker.Unpack(new MemoryStream(tar), target);
        return target;
    }

    [Fact]
    public void Ownership_modes_and_mtimes_are_preserved()
    {
        var dir = Unpack(new LayerBuilder()
            .Dir("etc", 0b111_101_000, uid: 7, gid: 8)
            .File("etc/secret", "s", mode: 0b110_000_000, uid: 1000, gid: 1001)
            .File("bin/su", "x", mode: 0b100_111_101_101, uid: 0, gid: 0)   // setuid 04755
            .Build());
        var etc = FileStatus.Lstat(Path.Combine(dir, "etc"));
        Assert.Equal((7u, 8u, 0b111_101_000u), (etc.Uid, etc.Gid, etc.Permissions));
        var secret = FileStatus.Lstat(Path.Combine(dir, "etc/secret"));
        Assert.Equal((1000u, 1001u, 0b110_000_000u), (secret.Uid, secret.Gid, secret.Permissions));
        Assert.Equal(0b100_111_101_101u, FileStatus.Lstat(Path.Combine(dir, "bin/su")).Permissions);
        Assert.Equal(LayerBuilder.Time.ToUnixTimeSeconds(), secret.Mtime.Sec);
        Assert.Equal(LayerBuilder.Time.ToUnixTimeSeconds(), etc.Mtime.Sec);
    }

    [Fact]
    public void Binary_xattrs_survive_byte_for_byte()
    {
        byte[] capability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var dir = Unpack(new LayerBuilder()
            .File("bin/ping", "elf", mode: 0b111_101_101, xattrs: new Dictionary<string, byte[]>
            {
                ["security.capability"] = capability,
                ["user.note"] = Encoding.UTF8.GetBytes("hello"),
            })
            .Build());
        Assert.Equal(capability, ExtendedAttributes.Get(Path.Combine(dir, "bin/ping"), "security.capability"));
        Assert.Equal("hello"u8.ToArray(), ExtendedAttributes.Get(Path.Combine(dir, "bin/ping"), "user.note"));
    }

    [Fact]
    public void Hardlinks_symlinks_devices_and_fifos_are_recreated()
    {
        var dir = Unpack(new LayerBuilder()
            .File("bin/busybox", "binary")
            .Hardlink("bin/sh", "bin/busybox")
            .Symlink("bin/ls", "busybox")
            .Symlink("etc/mtab", "/proc/mounts")
            .CharDevice("dev/null", 1, 3)
            .Fifo("run/pipe")
            .Build());
        var a = FileStatus.Lstat(Path.Combine(dir, "bin/busybox"));
        var b = FileStatus.Lstat(Path.Combine(dir, "bin/sh"));
        Assert.Equal(a.Ino, b.Ino);
        Assert.Equal(2u, a.Nlink);
        Assert.Equal("busybox", FileSystem.ReadlinkAt(Sys.AT_FDCWD, Path.Combine(dir, "bin/ls")));
        Assert.Equal("/proc/mounts", FileSystem.ReadlinkAt(Sys.AT_FDCWD, Path.Combine(dir, "etc/mtab")));
        var dev = FileStatus.Lstat(Path.Combine(dir, "dev/null"));
        Assert.Equal((FileStatus.S_IFCHR, 1u, 3u), (dev.Type, dev.RdevMajor, dev.RdevMinor));
        Assert.Equal(FileStatus.S_IFIFO, FileStatus.Lstat(Path.Combine(dir, "run/pipe")).Type);
    }

    [Fact]
    public void Whiteouts_become_overlay_whiteout_devices_and_opaque_markers_an_xattr()
    {
        var dir = Unpack(new LayerBuilder().Dir("etc").Whiteout("etc", "passwd").Dir("var").Opaque("var").File("var/kept", "k").Build());
        var wh = FileStatus.Lstat(Path.Combine(dir, "etc/passwd"));
        Assert.Equal((FileStatus.S_IFCHR, 0u, 0u), (wh.Type, wh.RdevMajor, wh.RdevMinor));
        Assert.False(File.Exists(Path.Combine(dir, "etc/.wh.passwd")));
        Assert.Equal("y"u8.ToArray(), ExtendedAttributes.Get(Path.Combine(dir, "var"), "trusted.overlay.opaque"));
        Assert.Equal("k", File.ReadAllText(Path.Combine(dir, "var/kept")));
    }

    [Fact]
    public void Long_names_round_trip_through_pax_and_the_size_counts_hardlinks_once()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-with-a-long-name", 12)) + "/file";
        var dir = Unpack(new LayerBuilder().File(longName, "12345").Hardlink("again", longName).Symlink("link", "abc").Build());
        Assert.Equal("12345", File.ReadAllText(Path.Combine(dir, longName)));
        var result = LayerUnpacker.Unpack(new MemoryStream(new LayerBuilder().File("a", "12345").Hardlink("b", "a").Symlink("c", "xyz").Build()), _scratch.Dir("sized"));
        Assert.Equal(5 + 3, result.Size);
    }

    [Fact]
    public void Gnu_tar_archives_with_long_names_unpack()
    {
        var src = _scratch.Dir("src");
        var deep = Path.Combine(src, string.Join('/', Enumerable.Repeat("abcdefghij", 15)));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "f"), "gnu");
        var tarFile = _scratch.PathOf("gnu.tar");
        Tool.Run("tar", "--format=gnu", "-C", src, "-cf", tarFile, ".");
        var dir = Unpack(File.ReadAllBytes(tarFile));
        Assert.Equal("gnu", File.ReadAllText(Path.Combine(dir, Path.GetRelativePath(src, deep), "f")));
    }
}
