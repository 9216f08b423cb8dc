using System.Text;
using Berth.Actors.Containers.Files;
using Berth.Actors.Images.Layers;
using Berth.Actors.Protocol;
using Berth.Actors.Tests.Images;
using Berth.Runtime.Native;

namespace Berth.Actors.Tests.Containers.Files;

/// <summary>docker cp's stat, read and write of a container root: paths resolve inside the root, hostile tars write nowhere else.</summary>
public sealed class RootfsArchiveSpecs : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _root;
    private readonly string _outside;

    public RootfsArchiveSpecs()
    {
        _root = _scratch.Dir("rootfs");
        _outside = _scratch.Dir("outside");
        File.WriteAllText(Path.Combine(_outside, "victim"), "original");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "hostname"), "box\n");
        Directory.CreateDirectory(Path.Combine(_root, "data", "sub"));
        File.WriteAllText(Path.Combine(_root, "data", "sub", "f"), "x");
        File.CreateSymbolicLink(Path.Combine(_root, "abs"), "/data/sub");
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../../../../../../../../../" + _outside.TrimStart('/'));
    }

    public void Dispose() => _scratch.Dispose();

    private static ExtractOptions Plain => new(NoOverwriteDirNonDir: true, CopyUidGid: false);

    private void AssertOutsideUntouched()
    {
        Assert.Equal(["victim"], Directory.EnumerateFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Equal("original", File.ReadAllText(Path.Combine(_outside, "victim")));
    }

    [Fact]
    public void A_file_stats_with_its_name_size_and_go_mode()
    {
        var stat = RootfsArchive.Stat(_root, "/etc/hostname")!;
        Assert.Equal(("hostname", 4L, ""), (stat.Name, stat.Size, stat.LinkTarget));
        Assert.Equal(0b110_100_100u, stat.Mode);
    }

    [Fact]
    public void A_directory_carries_gos_mode_dir_bit()
    {
        var stat = RootfsArchive.Stat(_root, "/data")!;
        Assert.True(stat.IsDir);
        Assert.Equal(PathStat.GoModeDir | 0b111_101_101u, stat.Mode);
    }

    [Fact]
    public void A_missing_path_has_no_stat() => Assert.Null(RootfsArchive.Stat(_root, "/nope/x"));

    [Fact]
    public void An_absolute_symlink_is_stated_itself_and_its_target_resolved_inside_the_root()
    {
        var stat = RootfsArchive.Stat(_root, "/abs")!;
        Assert.Equal(PathStat.GoModeSymlink | 0b111_111_111u, stat.Mode);
        Assert.Equal("/data/sub", stat.LinkTarget);
        Assert.Equal("x", ReadOnly(Archive("/abs/f"), "f"));
    }

    [Fact]
    public void Symlinks_pointing_outside_resolve_inside_the_root()
    {
        // Both links name the host's "outside" dir; inside the root that path does not exist.
        Assert.Null(RootfsArchive.Stat(_root, "/escape/victim"));
        Assert.Null(RootfsArchive.Stat(_root, "/up/victim"));
        Assert.Null(RootfsArchive.Stat(_root, "/../../../../../../../../" + _outside.TrimStart('/') + "/victim"));
    }

    [Fact]
    public void A_directory_is_archived_under_its_own_name()
    {
        var names = Names(Archive("/data"));
        Assert.Equal(["data/", "data/sub/", "data/sub/f"], names);
    }

    [Fact]
    public void A_trailing_slash_dot_archives_the_contents_under_dot()
    {
        Assert.Equal(["./", "./sub/", "./sub/f"], Names(Archive("/data/.")));
    }

    [Fact]
    public void A_file_is_extracted_into_a_directory_reached_through_an_in_root_symlink()
    {
        RootfsArchive.Extract(_root, "/abs", new MemoryStream(new LayerBuilder().File("new.txt", "hello").Build()), Plain);
        Assert.Equal("hello", File.ReadAllText(Path.Combine(_root, "data", "sub", "new.txt")));
    }

    [Fact]
    public void An_existing_file_is_replaced()
    {
        RootfsArchive.Extract(_root, "/etc", new MemoryStream(new LayerBuilder().File("hostname", "other\n").Build()), Plain);
        Assert.Equal("other\n", File.ReadAllText(Path.Combine(_root, "etc", "hostname")));
    }

    [Fact]
    public void Without_copy_uid_gid_files_belong_to_root_and_with_it_keep_the_tars_owner()
    {
        RootfsArchive.Extract(_root, "/", new MemoryStream(new LayerBuilder().File("plain", "a", uid: 1234, gid: 99).Build()), Plain);
        RootfsArchive.Extract(_root, "/", new MemoryStream(new LayerBuilder().File("kept", "a", uid: 1234, gid: 99).Build()), Plain with { CopyUidGid = true });
        Assert.Equal((0u, 0u), (FileStatus.Lstat(Path.Combine(_root, "plain")).Uid, FileStatus.Lstat(Path.Combine(_root, "plain")).Gid));
        Assert.Equal((1234u, 99u), (FileStatus.Lstat(Path.Combine(_root, "kept")).Uid, FileStatus.Lstat(Path.Combine(_root, "kept")).Gid));
    }

    [Fact]
    public void No_overwrite_dir_non_dir_refuses_to_replace_a_directory_with_a_file()
    {
        var e = Assert.Throws<ContainerFileException>(() =>
            RootfsArchive.Extract(_root, "/", new MemoryStream(new LayerBuilder().File("data", "flat").Build()), Plain));
        Assert.Equal(ContainerErrorKind.Invalid, e.Kind);
        Assert.Contains("cannot overwrite directory", e.Message);
        Assert.True(Directory.Exists(Path.Combine(_root, "data", "sub")));
    }

    [Fact]
    public void Extracting_into_a_missing_directory_is_404_and_into_a_file_400()
    {
        var tar = new LayerBuilder().File("a", "a").Build();
        Assert.Equal(ContainerErrorKind.NotFound, Assert.Throws<ContainerFileException>(() => RootfsArchive.Extract(_root, "/nope", new MemoryStream(tar), Plain)).Kind);
        Assert.Equal(ContainerErrorKind.Invalid, Assert.Throws<ContainerFileException>(() => RootfsArchive.Extract(_root, "/etc/hostname", new MemoryStream(tar), Plain)).Kind);
    }

    [Fact]
    public void A_destination_symlink_to_the_host_is_followed_inside_the_root_only()
    {
        // "/escape" points at the host's outside dir by absolute path; inside the root that path is missing.
        var tar = new LayerBuilder().File("victim", "pwned").Build();
        Assert.Equal(ContainerErrorKind.NotFound, Assert.Throws<ContainerFileException>(() => RootfsArchive.Extract(_root, "/escape", new MemoryStream(tar), Plain)).Kind);
        AssertOutsideUntouched();
    }

    [Fact]
    public void Dot_dot_entries_are_refused() => AssertHostileRefused(new LayerBuilder().File("a/../../../../../../outside/victim", "pwned").Build());

    [Fact]
    public void Writing_through_a_symlink_the_tar_planted_is_refused() =>
        AssertHostileRefused(new LayerBuilder().Symlink("planted", _outside).File("planted/victim", "pwned").File("planted/new", "pwned").Build());

    [Fact]
    public void Hardlinks_to_files_outside_are_refused()
    {
        AssertHostileRefused(new LayerBuilder().Hardlink("stolen", "../../outside/victim").Build());
        AssertHostileRefused(new LayerBuilder().Symlink("o", _outside).Hardlink("stolen", "o/victim").Build());
        Assert.Equal(1u, FileStatus.Lstat(Path.Combine(_outside, "victim")).Nlink);
    }

    [Fact]
    public void Absolute_entry_names_land_inside_the_destination()
    {
        var victim = Path.Combine(_outside, "victim");
        RootfsArchive.Extract(_root, "/data", new MemoryStream(new LayerBuilder().File(victim, "pwned").Build()), Plain);
        Assert.Equal("pwned", File.ReadAllText(Path.Combine(_root, "data", victim.TrimStart('/'))));
        AssertOutsideUntouched();
    }

    private void AssertHostileRefused(byte[] tar)
    {
        var e = Assert.Throws<ContainerFileException>(() => RootfsArchive.Extract(_root, "/data", new MemoryStream(tar), Plain));
        Assert.Equal(ContainerErrorKind.Invalid, e.Kind);
        AssertOutsideUntouched();
    }

    private byte[] Archive(string path)
    {
        using var ms = new MemoryStream();
        RootfsArchive.WriteArchive(_root, path, ms);
        return ms.ToArray();
    }

    private static List<string> Names(byte[] tar)
    {
        var reader = new TarReader(new MemoryStream(tar));
        var names = new List<string>();
        while (reader.Next() is { } e) names.Add(e.Type == TarEntryType.Directory && !e.Name.EndsWith('/') ? e.Name + "/" : e.Name);
        return names;
    }

    private static string ReadOnly(byte[] tar, string name)
    {
        var reader = new TarReader(new MemoryStream(tar));
        var e = reader.Next()!;
        Assert.Equal(name, e.Name);
        using var sr = new StreamReader(reader.Data, Encoding.UTF8);
        return sr.ReadToEnd();
    }
}
