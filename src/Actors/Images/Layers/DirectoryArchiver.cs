using System.Text;

namespace Berth.Actors.Images.Layers;

/// <summary>
/// Writes a directory tree as a tar (sorted, deterministic): modes, owners, mtimes, xattrs, hardlinks, symlinks and
/// device nodes. Used to export a container rootfs, and with <c>overlayUpper: true</c> to turn an overlay upper dir
/// into an OCI layer (whiteout devices become .wh.NAME, opaque directories get .wh..wh..opq).
/// </summary>
public static class DirectoryArchiver
{
    public static void Write(string root, Stream output, bool overlayUpper = false)
    {
        var writer = new TarWriter(output);
        var links = new Dictionary<(uint, uint, ulong), string>();
        Walk(root, "", writer, links, overlayUpper);
        writer.Finish();
    }

    private static void Walk(string root, string rel, TarWriter writer, Dictionary<(uint, uint, ulong), string> links, bool overlayUpper)
    {
        var dir = rel.Length == 0 ? root : Path.Combine(root, rel);
        var names = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            var relPath = rel.Length == 0 ? name : rel + "/" + name;
            var full = Path.Combine(root, relPath);
            var st = Native.Lstat(full);
            if (overlayUpper && st.Type == Native.S_IFCHR && st.RdevMajor == 0 && st.RdevMinor == 0)
            {
                var wh = Entry(rel.Length == 0 ? LayerPath.WhiteoutPrefix + name : rel + "/" + LayerPath.WhiteoutPrefix + name, st, TarEntryType.Regular);
                wh.Mode = 0; wh.Size = 0;
                writer.Write(wh);
                continue;
            }
            var entry = Entry(relPath, st, st.Type switch
            {
                Native.S_IFDIR => TarEntryType.Directory,
                Native.S_IFREG => TarEntryType.Regular,
                Native.S_IFLNK => TarEntryType.Symlink,
                Native.S_IFCHR => TarEntryType.CharDevice,
                Native.S_IFBLK => TarEntryType.BlockDevice,
                Native.S_IFIFO => TarEntryType.Fifo,
                _ => (TarEntryType?)null,
            } ?? TarEntryType.Fifo);
            if (st.Type == Native.S_IFSOCK) continue;   // sockets cannot be archived; tar skips them too
            foreach (var xattr in Native.Llistxattr(full))
            {
                if (overlayUpper && xattr.StartsWith("trusted.overlay.", StringComparison.Ordinal)) continue;
                if (Native.Lgetxattr(full, xattr) is { } value) entry.Xattrs[xattr] = value;
            }
            if (st.Type == Native.S_IFLNK) entry.LinkName = Native.ReadlinkAt(Native.AT_FDCWD, full);
            if (st.Type is Native.S_IFCHR or Native.S_IFBLK) { entry.DevMajor = st.RdevMajor; entry.DevMinor = st.RdevMinor; }
            if (st.Type == Native.S_IFREG && st.Nlink > 1)
            {
                var key = (st.DevMajor, st.DevMinor, st.Ino);
                if (links.TryGetValue(key, out var first))
                {
                    entry.Type = TarEntryType.Hardlink;
                    entry.LinkName = first;
                    entry.Size = 0;
                    writer.Write(entry);
                    continue;
                }
                links[key] = relPath;
            }
            if (st.Type == Native.S_IFREG)
            {
                entry.Size = (long)st.Size;
                using var data = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                writer.Write(entry, data);
                continue;
            }
            writer.Write(entry);
            if (st.Type == Native.S_IFDIR)
            {
                if (overlayUpper && Native.Lgetxattr(full, "trusted.overlay.opaque") is { } opaque && Encoding.ASCII.GetString(opaque) == "y")
                {
                    var marker = Entry(relPath + "/" + LayerPath.OpaqueMarker, st, TarEntryType.Regular);
                    marker.Mode = 0; marker.Size = 0;
                    writer.Write(marker);
                }
                Walk(root, relPath, writer, links, overlayUpper);
            }
        }
    }

    private static TarEntry Entry(string name, Native.Statx st, TarEntryType type) => new()
    {
        Name = name,
        Type = type,
        Mode = st.Permissions,
        Uid = st.Uid,
        Gid = st.Gid,
        ModTime = DateTimeOffset.FromUnixTimeSeconds(st.Mtime.Sec),
    };
}
