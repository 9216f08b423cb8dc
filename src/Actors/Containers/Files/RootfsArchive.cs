using Berth.Actors.Images.Layers;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers.Files;

/// <summary>
/// docker cp's view of a mounted container rootfs: stat, read as a tar, write from a tar. Every path is resolved
/// inside the root (openat2 RESOLVE_IN_ROOT); trees are walked by file descriptor with O_NOFOLLOW, so a container that
/// swaps a directory for a symlink while we walk cannot make us read or write outside it.
/// </summary>
public static class RootfsArchive
{
    /// <summary>Stats <paramref name="path"/> like docker: the last component is not followed unless the path ends in "/" or "/.".</summary>
    public static PathStat? Stat(string rootDir, string path)
    {
        using var target = Locate(rootDir, path);
        if (target == null) return null;
        var st = target.Stat();
        var linkTarget = st.Type == FileStatus.S_IFLNK ? ResolveLink(rootDir, target.RootFd, path) : "";
        return new PathStat(target.Name, (long)st.Size,
            PathStat.GoMode(st), DateTimeOffset.FromUnixTimeSeconds(st.Mtime.Sec), linkTarget);
    }

    /// <summary>GET archive: <paramref name="path"/> as a tar whose top entry is named after the path's last component.</summary>
    public static void WriteArchive(string rootDir, string path, Stream output)
    {
        using var target = Locate(rootDir, path) ?? throw new ContainerFileException(ContainerErrorKind.NotFound, $"Could not find the file {path} in container");
        var writer = new TarWriter(output);
        WriteTree(writer, target.ParentFd, target.Child, target.Name, new Dictionary<(uint, uint, ulong), string>());
        writer.Finish();
    }

    /// <summary>docker export: the whole rootfs, entries named relative to it ("bin/", "etc/passwd"), sorted.</summary>
    public static void WriteRootfs(string rootDir, Stream output)
    {
        var rootFd = FileSystem.OpenAt(Sys.AT_FDCWD, rootDir, Sys.O_RDONLY | Sys.O_DIRECTORY);
        try
        {
            var writer = new TarWriter(output);
            var links = new Dictionary<(uint, uint, ulong), string>();
            foreach (var name in Children(rootFd)) WriteTree(writer, rootFd, name, name, links);
            writer.Finish();
        }
        finally { Fd.Close(rootFd); }
    }

    private static List<string> Children(int dirFd) =>
        Directory.EnumerateFileSystemEntries($"/proc/self/fd/{dirFd}").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>PUT archive: unpacks <paramref name="tar"/> into the directory <paramref name="path"/>.</summary>
    public static int Extract(string rootDir, string path, Stream tar, ExtractOptions options)
    {
        var rootFd = FileSystem.OpenAt(Sys.AT_FDCWD, rootDir, Sys.O_PATH | Sys.O_DIRECTORY);
        try
        {
            var dest = InRoot.TryOpen(rootFd, path, Sys.O_PATH);
            if (dest == -Errno.ENOENT || dest == -Errno.ENOTDIR) throw new ContainerFileException(ContainerErrorKind.NotFound, $"Could not find the file {path} in container");
            try
            {
                if (!IsDirectory(dest)) throw new ContainerFileException(ContainerErrorKind.Invalid, "extraction point is not a directory");
                return ArchiveExtractor.Extract(tar, $"/proc/self/fd/{dest}", options);
            }
            finally { Fd.Close(dest); }
        }
        finally { Fd.Close(rootFd); }
    }

    private static bool Exists(int dirFd, string name)
    {
        try { FileStatus.StatAt(dirFd, name); return true; }
        catch (SyscallException e) when (e.ErrorNumber is Errno.ENOENT or Errno.ENOTDIR) { return false; }
    }

    private static bool IsDirectory(int fd)
    {
        try { return FileStatus.StatAt(Sys.AT_FDCWD, $"/proc/self/fd/{fd}/.").Type == FileStatus.S_IFDIR; }
        catch (SyscallException e) when (e.ErrorNumber == Errno.ENOTDIR) { return false; }
    }

    private static string ResolveLink(string rootDir, int rootFd, string path)
    {
        var fd = InRoot.TryOpen(rootFd, path, Sys.O_PATH);
        if (fd < 0) return FileSystem.ReadlinkAt(Sys.AT_FDCWD, path); // dangling: docker shows the raw target
        try { return InRoot.PathOf(fd, rootDir); }
        finally { Fd.Close(fd); }
    }

    /// <summary>The parent directory (held open) and the name of what a request path names.</summary>
    private sealed class Located(int rootFd, int parentFd, string child, string name) : IDisposable
    {
        public int RootFd { get; } = rootFd;
        public int ParentFd { get; } = parentFd;
        public string Child { get; } = child;
        public string Name { get; } = name;
        public Statx Stat() => FileStatus.StatAt(ParentFd, Child);
        public void Dispose()
        {
            Fd.Close(ParentFd);
            Fd.Close(RootFd);
        }
    }

    private static Located? Locate(string rootDir, string path)
    {
        if (path.Contains('\0')) throw new ContainerFileException(ContainerErrorKind.Invalid, "path contains a NUL byte");
        var rootFd = FileSystem.OpenAt(Sys.AT_FDCWD, rootDir, Sys.O_PATH | Sys.O_DIRECTORY);
        try
        {
            var trimmed = path.TrimEnd('/');
            var followLast = path.Length > 0 && (path.EndsWith('/') || trimmed.EndsWith("/.") || trimmed == "." || trimmed.EndsWith("/..") || trimmed == "..");
            var slash = trimmed.LastIndexOf('/');
            var baseName = slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
            if (trimmed.Length == 0 || followLast)
            {
                // "/", "dir/" and "dir/.": the directory itself, every component followed inside the root.
                var fd = InRoot.TryOpen(rootFd, trimmed.Length == 0 ? "/" : trimmed, Sys.O_PATH | Sys.O_DIRECTORY);
                if (fd < 0) { Fd.Close(rootFd); return null; }
                var name = trimmed.Length == 0 ? "." : baseName is "." or ".." ? "." : baseName;
                return new Located(rootFd, fd, ".", name);
            }
            var parent = InRoot.TryOpen(rootFd, slash > 0 ? trimmed[..slash] : "/", Sys.O_PATH | Sys.O_DIRECTORY);
            if (parent < 0) { Fd.Close(rootFd); return null; }
            if (!Exists(parent, baseName))
            {
                Fd.Close(parent);
                Fd.Close(rootFd);
                return null;
            }
            return new Located(rootFd, parent, baseName, baseName);
        }
        catch
        {
            Fd.Close(rootFd);
            throw;
        }
    }

    private static void WriteTree(TarWriter writer, int parentFd, string child, string tarName, Dictionary<(uint, uint, ulong), string> links)
    {
        var st = FileStatus.StatAt(parentFd, child);
        if (st.Type == FileStatus.S_IFSOCK) return;   // sockets cannot be archived; tar skips them too
        var entry = new TarEntry
        {
            Name = tarName,
            Type = st.Type switch
            {
                FileStatus.S_IFDIR => TarEntryType.Directory,
                FileStatus.S_IFLNK => TarEntryType.Symlink,
                FileStatus.S_IFCHR => TarEntryType.CharDevice,
                FileStatus.S_IFBLK => TarEntryType.BlockDevice,
                FileStatus.S_IFIFO => TarEntryType.Fifo,
                _ => TarEntryType.Regular,
            },
            Mode = st.Permissions,
            Uid = st.Uid,
            Gid = st.Gid,
            ModTime = DateTimeOffset.FromUnixTimeSeconds(st.Mtime.Sec),
        };
        var procPath = $"/proc/self/fd/{parentFd}/{child}";
        foreach (var xattr in ExtendedAttributes.List(procPath))
        {
            if (xattr.StartsWith("trusted.overlay.", StringComparison.Ordinal)) continue;
            if (ExtendedAttributes.Get(procPath, xattr) is { } value) entry.Xattrs[xattr] = value;
        }
        switch (st.Type)
        {
            case FileStatus.S_IFLNK:
                entry.LinkName = FileSystem.ReadlinkAt(parentFd, child);
                writer.Write(entry);
                return;
            case FileStatus.S_IFCHR or FileStatus.S_IFBLK:
                entry.DevMajor = st.RdevMajor;
                entry.DevMinor = st.RdevMinor;
                writer.Write(entry);
                return;
            case FileStatus.S_IFIFO:
                writer.Write(entry);
                return;
            case FileStatus.S_IFREG:
            {
                if (st.Nlink > 1)
                {
                    var key = (st.DevMajor, st.DevMinor, st.Ino);
                    if (links.TryGetValue(key, out var first))
                    {
                        entry.Type = TarEntryType.Hardlink;
                        entry.LinkName = first;
                        writer.Write(entry);
                        return;
                    }
                    links[key] = tarName;
                }
                var fd = FileSystem.OpenAt(parentFd, child, Sys.O_RDONLY | Sys.O_NOFOLLOW);
                using var data = Fd.Stream(fd, FileAccess.Read);
                entry.Size = (long)st.Size;
                writer.Write(entry, data);
                return;
            }
        }
        writer.Write(entry);
        var dirFd = FileSystem.OpenAt(parentFd, child, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW);
        try
        {
            foreach (var name in Children(dirFd)) WriteTree(writer, dirFd, name, tarName + "/" + name, links);
        }
        finally { Fd.Close(dirFd); }
    }
}
