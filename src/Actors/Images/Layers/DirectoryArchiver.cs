using System.Text;
using Berth.Runtime.Native;

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
            var st = FileStatus.Lstat(full);
            if (overlayUpper && st.IsWhiteout)
            {
                var wh = Entry(rel.Length == 0 ? LayerPath.WhiteoutPrefix + name : rel + "/" + LayerPath.WhiteoutPrefix + name, st, TarEntryType.Regular);
                wh.Mode = 0; wh.Size = 0;
                writer.Write(wh);
                continue;
            }
            var entry = Entry(relPath, st, st.Type switch
            {
                FileStatus.S_IFDIR => TarEntryType.Directory,
                FileStatus.S_IFREG => TarEntryType.Regular,
                FileStatus.S_IFLNK => TarEntryType.Symlink,
                FileStatus.S_IFCHR => TarEntryType.CharDevice,
                FileStatus.S_IFBLK => TarEntryType.BlockDevice,
                FileStatus.S_IFIFO => TarEntryType.Fifo,
                _ => (TarEntryType?)null,
            } ?? TarEntryType.Fifo);
            if (st.Type == FileStatus.S_IFSOCK) continue;   // sockets cannot be archived; tar skips them too
            foreach (var xattr in ExtendedAttributes.List(full))
            {
                if (overlayUpper && xattr.StartsWith("trusted.overlay.", StringComparison.Ordinal)) continue;
                if (ExtendedAttributes.Get(full, xattr) is { } value) entry.Xattrs[xattr] = value;
            }
            if (st.Type == FileStatus.S_IFLNK) entry.LinkName = FileSystem.ReadlinkAt(Sys.AT_FDCWD, full);
            if (st.Type is FileStatus.S_IFCHR or FileStatus.S_IFBLK) { entry.DevMajor = st.RdevMajor; entry.DevMinor = st.RdevMinor; }
            if (st.Type == FileStatus.S_IFREG && st.Nlink > 1)
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
            if (st.Type == FileStatus.S_IFREG)
            {
                entry.Size = (long)st.Size;
                using var data = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                writer.Write(entry, data);
                continue;
            }
            writer.Write(entry);
            if (st.Type == FileStatus.S_IFDIR)
            {
                if (overlayUpper && ExtendedAttributes.Get(full, "trusted.overlay.opaque") is { } opaque && Encoding.ASCII.GetString(opaque) == "y")
                {
                    var marker = Entry(relPath + "/" + LayerPath.OpaqueMarker, st, TarEntryType.Regular);
                    marker.Mode = 0; marker.Size = 0;
                    writer.Write(marker);
                }
                Walk(root, relPath, writer, links, overlayUpper);
            }
        }
    }

    private static TarEntry Entry(string name, Statx st, TarEntryType type) => new()
    {
        Name = name,
        Type = type,
        Mode = st.Permissions,
        Uid = st.Uid,
        Gid = st.Gid,
        ModTime = DateTimeOffset.FromUnixTimeSeconds(st.Mtime.Sec),
    };
}
