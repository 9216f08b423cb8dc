using Berth.Actors.Images.Layers;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers.Files;

/// <summary>docker cp's PUT options: refuse to replace a directory by a non-directory (and back); keep the tar's owners.</summary>
public sealed record ExtractOptions(bool NoOverwriteDirNonDir, bool CopyUidGid);

/// <summary>
/// Unpacks a docker cp tar into a directory of a container. Like the layer unpacker, every entry is reached component by
/// component with O_NOFOLLOW from the destination (<see cref="SafeDir"/>): "..", absolute names, writes through a
/// symlink the same tar planted and hardlinks to outside are refused, so nothing is written outside the destination.
/// Unlike a layer, existing files are replaced and ".wh." names are ordinary files.
/// </summary>
public static class ArchiveExtractor
{
    public static int Extract(Stream tar, string destDir, ExtractOptions options)
    {
        var reader = new TarReader(tar);
        using var root = SafeDir.OpenRoot(destDir);
        var dirTimes = new List<(string[] Components, DateTimeOffset MTime)>();
        var count = 0;
        while (reader.Next() is { } entry)
        {
            count++;
            var comps = Components(entry.Name);
            if (comps.Length == 0) continue;   // "./": the destination itself keeps its attributes
            var baseName = comps[^1];
            using var parent = Walk(root, comps[..^1], entry.Name);
            var existing = Lookup(parent, baseName);
            if (existing is { } st)
            {
                var isDir = st.Type == FileStatus.S_IFDIR;
                var wantsDir = entry.Type == TarEntryType.Directory;
                if (options.NoOverwriteDirNonDir && isDir && !wantsDir)
                    throw new ContainerFileException(ContainerErrorKind.Invalid, $"cannot overwrite directory \"/{string.Join('/', comps)}\" with non-directory \"{entry.Name}\"");
                if (options.NoOverwriteDirNonDir && !isDir && wantsDir)
                    throw new ContainerFileException(ContainerErrorKind.Invalid, $"cannot overwrite non-directory \"/{string.Join('/', comps)}\" with directory \"{entry.Name}\"");
                if (!(isDir && wantsDir)) Remove(parent, baseName, isDir);
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
                    break;
                }
                case TarEntryType.Symlink:
                    // The link itself may point anywhere; it is only ever followed inside the container's root.
                    FileSystem.SymlinkAt(entry.LinkName, parent.Fd, baseName);
                    break;
                case TarEntryType.Hardlink:
                {
                    var target = Components(entry.LinkName);
                    if (target.Length == 0) throw new ContainerFileException(ContainerErrorKind.Invalid, $"tar entry \"{entry.Name}\" is a hardlink to the destination directory");
                    using var targetParent = Walk(root, target[..^1], entry.LinkName);
                    if (Lookup(targetParent, target[^1]) is not { } t || t.Type == FileStatus.S_IFDIR)
                        throw new ContainerFileException(ContainerErrorKind.Invalid, $"tar entry \"{entry.Name}\" is a hardlink to \"{entry.LinkName}\", which is not a file in the destination");
                    FileSystem.LinkAt(targetParent.Fd, target[^1], parent.Fd, baseName);
                    break;
                }
                case TarEntryType.CharDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    LayerUnpacker.MakeNode(parent.Fd, baseName, entry);
                    break;
            }
            if (entry.Type == TarEntryType.Hardlink) continue;   // the link shares its target's inode and attributes

            // docker cp makes root the owner unless -a (copyUIDGID) asks for the tar's ids. chown clears setuid, so mode after.
            var (uid, gid) = options.CopyUidGid ? ((uint)entry.Uid, (uint)entry.Gid) : (0u, 0u);
            FileSystem.LchownAt(parent.Fd, baseName, uid, gid);
            foreach (var (name, value) in entry.Xattrs)
                if (!name.StartsWith("trusted.overlay.", StringComparison.Ordinal)) ExtendedAttributes.Set(parent.ProcPath(baseName), name, value);
            if (entry.Type != TarEntryType.Symlink) FileSystem.ChmodAt(parent.Fd, baseName, entry.Mode & 0xFFF);
            if (entry.Type != TarEntryType.Directory) FileSystem.LutimesAt(parent.Fd, baseName, entry.ModTime, entry.ModTime);
        }

        // Directory mtimes last, deepest first: creating children would change them again.
        foreach (var (comps, mtime) in dirTimes.OrderByDescending(d => d.Components.Length))
        {
            using var parent = Walk(root, comps[..^1], string.Join('/', comps));
            if (Lookup(parent, comps[^1]) is { Type: FileStatus.S_IFDIR }) FileSystem.LutimesAt(parent.Fd, comps[^1], mtime, mtime);
        }
        return count;
    }

    private static string[] Components(string name)
    {
        try { return LayerPath.Components(name); }
        catch (LayerEscapeException e) { throw new ContainerFileException(ContainerErrorKind.Invalid, e.Message.Replace("layer ", "tar ")); }
    }

    private static SafeDir Walk(SafeDir root, string[] comps, string entryName)
    {
        try { return SafeDir.Walk(root, comps, create: true, entryName); }
        catch (LayerEscapeException e) { throw new ContainerFileException(ContainerErrorKind.Invalid, e.Message.Replace("layer ", "tar ")); }
        catch (InvalidDataException e) { throw new ContainerFileException(ContainerErrorKind.Invalid, e.Message.Replace("layer ", "tar ")); }
    }

    private static Statx? Lookup(SafeDir dir, string name)
    {
        try { return FileStatus.StatAt(dir.Fd, name); }
        catch (SyscallException e) when (e.ErrorNumber == Errno.ENOENT) { return null; }
    }

    private static void Remove(SafeDir parent, string name, bool isDir)
    {
        if (!isDir) { FileSystem.UnlinkAt(parent.Fd, name, 0); return; }
        Directory.Delete(parent.ProcPath(name), recursive: true);
    }
}
