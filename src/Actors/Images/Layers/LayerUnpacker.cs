using System.Text;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>What unpacking a layer produced.</summary>
/// <param name="Size">Bytes of content as docker counts it: regular files (hardlinked inodes once) and symlink targets.</param>
/// <param name="Entries">Tar entries applied.</param>
public sealed record UnpackResult(long Size, int Entries);

/// <summary>
/// Applies one uncompressed layer tar to an empty directory, the way an overlay lower dir must look: OCI whiteouts
/// become overlayfs whiteouts (char device 0/0) and opaque markers become trusted.overlay.opaque=y. Ownership, modes,
/// mtimes, xattrs, hardlinks, symlinks and device nodes are preserved. Every path is resolved inside the root without
/// following symlinks; an entry that would land outside is refused with <see cref="LayerEscapeException"/>.
/// </summary>
public static class LayerUnpacker
{
    private static readonly byte[] OpaqueValue = "y"u8.ToArray();

    public static UnpackResult Unpack(Stream tar, string targetDir)
    {
        var reader = new TarReader(tar);
        using var root = SafeDir.OpenRoot(targetDir);
        var dirTimes = new List<(string[] Components, DateTimeOffset MTime)>();
        var seenInodes = new HashSet<ulong>();
        long size = 0;
        var count = 0;
        while (reader.Next() is { } entry)
        {
            count++;
            var comps = LayerPath.Components(entry.Name);
            if (comps.Length == 0)
            {
                if (entry.Type != TarEntryType.Directory) throw new InvalidDataException($"layer entry \"{entry.Name}\" names the root but is not a directory");
                ApplyRootAttributes(targetDir, entry);
                dirTimes.Add(([], entry.ModTime));
                continue;
            }
            var baseName = comps[^1];
            using var parent = SafeDir.Walk(root, comps[..^1], create: true, entry.Name);

            if (baseName == LayerPath.OpaqueMarker)
            {
                ExtendedAttributes.Set(parent.ProcPath(), "trusted.overlay.opaque", OpaqueValue);
                continue;
            }
            if (baseName.StartsWith(LayerPath.WhiteoutMetaPrefix, StringComparison.Ordinal)) continue;   // aufs metadata (.wh..wh.plnk etc.)
            if (baseName.StartsWith(LayerPath.WhiteoutPrefix, StringComparison.Ordinal))
            {
                var hidden = baseName[LayerPath.WhiteoutPrefix.Length..];
                if (hidden.Length == 0) throw new InvalidDataException($"layer entry \"{entry.Name}\" is a whiteout without a name");
                // A whiteout never hides what this same layer added; otherwise it shadows the lower layers' path.
                if (!Exists(parent, hidden)) FileSystem.MknodAt(parent.Fd, hidden, FileStatus.S_IFCHR, 0, 0);
                continue;
            }

            var existing = Lookup(parent, baseName);
            if (existing is { } st)
            {
                var keepDir = entry.Type == TarEntryType.Directory && st.Type == FileStatus.S_IFDIR;
                if (!keepDir) Remove(parent, baseName, st.Type == FileStatus.S_IFDIR);
            }

            switch (entry.Type)
            {
                case TarEntryType.Directory:
                    if (existing is not { Type: FileStatus.S_IFDIR }) FileSystem.MkdirAt(parent.Fd, baseName, 0b111_000_000);
                    dirTimes.Add((comps, entry.ModTime));
                    break;
                case TarEntryType.Regular:
                {
                    LayerUnpacker.WriteNewFile(parent.Fd, baseName, reader.Data);
                    var written = FileStatus.StatAt(parent.Fd, baseName);
                    if (written.Size > 0 && seenInodes.Add(written.Ino)) size += (long)written.Size;
                    break;
                }
                case TarEntryType.Symlink:
                    FileSystem.SymlinkAt(entry.LinkName, parent.Fd, baseName);
                    size += Encoding.UTF8.GetByteCount(entry.LinkName);
                    break;
                case TarEntryType.Hardlink:
                {
                    var target = LayerPath.Components(entry.LinkName, "hardlink target");
                    if (target.Length == 0) throw new InvalidDataException($"layer entry \"{entry.Name}\" is a hardlink to the layer root");
                    using var targetParent = SafeDir.Walk(root, target[..^1], create: false, entry.LinkName);
                    if (Lookup(targetParent, target[^1]) is null)
                        throw new InvalidDataException($"layer entry \"{entry.Name}\" is a hardlink to \"{entry.LinkName}\", which this layer does not contain");
                    FileSystem.LinkAt(targetParent.Fd, target[^1], parent.Fd, baseName);
                    break;
                }
                case TarEntryType.CharDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    LayerUnpacker.MakeNode(parent.Fd, baseName, entry);
                    break;
            }

            // Order matters: chown clears setuid/setgid, so the mode comes after it.
            FileSystem.LchownAt(parent.Fd, baseName, (uint)entry.Uid, (uint)entry.Gid);
            foreach (var (name, value) in entry.Xattrs)
                if (!IsOverlayPrivate(name)) ExtendedAttributes.Set(parent.ProcPath(baseName), name, value);
            if (entry.Type != TarEntryType.Symlink) FileSystem.ChmodAt(parent.Fd, baseName, entry.Mode & 0xFFF);
            if (entry.Type is not (TarEntryType.Directory or TarEntryType.Hardlink))
                FileSystem.LutimesAt(parent.Fd, baseName, entry.ModTime, entry.ModTime);
        }

        // Directory mtimes last, deepest first: creating children would change them again.
        foreach (var (comps, mtime) in dirTimes.OrderByDescending(d => d.Components.Length))
        {
            if (comps.Length == 0) { FileSystem.LutimesAt(Sys.AT_FDCWD, targetDir, mtime, mtime); continue; }
            using var parent = SafeDir.Walk(root, comps[..^1], create: false, string.Join('/', comps));
            if (Lookup(parent, comps[^1]) is { Type: FileStatus.S_IFDIR }) FileSystem.LutimesAt(parent.Fd, comps[^1], mtime, mtime);
        }
        return new UnpackResult(size, count);
    }

    private static void ApplyRootAttributes(string dir, TarEntry entry)
    {
        FileSystem.LchownAt(Sys.AT_FDCWD, dir, (uint)entry.Uid, (uint)entry.Gid);
        foreach (var (name, value) in entry.Xattrs)
            if (!IsOverlayPrivate(name)) ExtendedAttributes.Set(dir, name, value);
        FileSystem.ChmodAt(Sys.AT_FDCWD, dir, entry.Mode & 0xFFF);
    }

    /// <summary>
    /// overlayfs's own xattrs (opaque, redirect, origin, metacopy…) are never taken from a layer: a crafted redirect
    /// could point lookups elsewhere. The only one we set is opaque, from the OCI marker.
    /// </summary>
    private static bool IsOverlayPrivate(string xattr) =>
        xattr.StartsWith("trusted.overlay.", StringComparison.Ordinal) || xattr.StartsWith("user.overlay.", StringComparison.Ordinal);

    private static bool Exists(SafeDir dir, string name) => Lookup(dir, name) is not null;

    private static Statx? Lookup(SafeDir dir, string name)
    {
        try { return FileStatus.StatAt(dir.Fd, name); }
        catch (SyscallException e) when (e.ErrorNumber == Errno.ENOENT) { return null; }
    }

    private static void Remove(SafeDir parent, string name, bool isDir)
    {
        if (!isDir) { FileSystem.UnlinkAt(parent.Fd, name, 0); return; }
        // Through /proc/self/fd the parent resolves to the directory we hold; Directory.Delete unlinks symlinks, never follows them.
        Directory.Delete(parent.ProcPath(name), recursive: true);
    }

    /// <summary>A new regular file from a tar entry's data: never follows or reuses an existing name (O_EXCL|O_NOFOLLOW).</summary>
    internal static void WriteNewFile(int dirFd, string name, Stream data)
    {
        var fd = FileSystem.OpenAt(dirFd, name, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL | Sys.O_NOFOLLOW, 0b110_000_000);
        using var file = Fd.Stream(fd, FileAccess.Write);
        data.CopyTo(file, 1 << 16);
    }

    /// <summary>A device node or fifo from a tar entry (owner-only mode until the entry's own mode is applied).</summary>
    internal static void MakeNode(int dirFd, string name, TarEntry entry)
    {
        var (kind, major, minor) = entry.Type switch
        {
            TarEntryType.CharDevice => (FileStatus.S_IFCHR, entry.DevMajor, entry.DevMinor),
            TarEntryType.BlockDevice => (FileStatus.S_IFBLK, entry.DevMajor, entry.DevMinor),
            TarEntryType.Fifo => (FileStatus.S_IFIFO, 0u, 0u),
            _ => throw new ArgumentException($"tar entry \"{entry.Name}\" is not a device or fifo"),
        };
        FileSystem.MknodAt(dirFd, name, kind | 0b110_000_000, major, minor);
    }
}
