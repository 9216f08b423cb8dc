using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>Where a container's root filesystem lives: the image snapshots (top first) plus its own upper and work dirs.</summary>
public sealed record RootfsLayout(IReadOnlyList<string> LowerDirs, string UpperDir, string WorkDir, string MergedDir);

/// <summary>Kind of a filesystem change, numbered as docker's /containers/{id}/changes reports it.</summary>
public enum ChangeKind { Modified = 0, Added = 1, Deleted = 2 }

/// <summary>One entry of `docker diff`.</summary>
public sealed record FilesystemChange(string Path, ChangeKind Kind);

/// <summary>Overlay mounts of image snapshots for container root filesystems, and the changes a container made.</summary>
public static class Overlay
{
    /// <summary>
    /// Mounts overlay at <see cref="RootfsLayout.MergedDir"/> (creating upper, work and merged dirs). An image without
    /// layers gets an empty lower dir next to the upper dir, because overlay needs at least one.
    /// </summary>
    /// <remarks>
    /// docker's overlay2 modes, whatever berthd's umask: the upper dir is the container's "/" (0755), work is 0700. What
    /// keeps other users out is the parent: the rootfs dir (0700) in the container's dir (0710).
    /// </remarks>
    public static void Mount(RootfsLayout layout)
    {
        var rootfs = Path.GetDirectoryName(layout.UpperDir)!;
        if (!Directory.Exists(rootfs)) Directory.CreateDirectory(rootfs, ExactMode.Dir0700);
        ExactMode.CreateDirectories(layout.UpperDir, ExactMode.Dir0755);
        ExactMode.CreateDirectories(layout.WorkDir, ExactMode.Dir0700);
        ExactMode.CreateDirectories(layout.MergedDir, ExactMode.Dir0755);
        var lowers = layout.LowerDirs;
        if (lowers.Count == 0)
        {
            var empty = Path.Combine(rootfs, "empty-lower");
            ExactMode.CreateDirectories(empty, ExactMode.Dir0755);
            lowers = [empty];
        }
        foreach (var dir in lowers.Append(layout.UpperDir).Append(layout.WorkDir))
            if (dir.IndexOfAny([',', ':']) >= 0) throw new ArgumentException($"overlay cannot use a directory whose path has ',' or ':': {dir}");
        var data = $"lowerdir={string.Join(':', lowers)},upperdir={layout.UpperDir},workdir={layout.WorkDir}";
        if (data.Length >= 4096)
            throw new ArgumentException($"overlay options for {lowers.Count} layers are {data.Length} bytes; the kernel takes at most 4095");
        Native.Mount("overlay", layout.MergedDir, "overlay", 0, data);
    }

    /// <summary>Unmounts the merged dir (lazily if it is still busy); a dir that is not mounted is not an error.</summary>
    public static void Unmount(string mergedDir)
    {
        try { Native.Umount(mergedDir); }
        catch (NativeException e) when (e.Errno == Native.EINVAL) { }            // not a mount point
        catch (NativeException e) when (e.Errno == Native.EBUSY) { Native.Umount(mergedDir, Native.MNT_DETACH); }
    }

    /// <summary>
    /// What a container changed, as docker's overlay driver reports it: whiteout devices are deletions, paths that
    /// exist in a lower layer are modifications (directories included), anything else was added. Sorted by path.
    /// </summary>
    public static IReadOnlyList<FilesystemChange> Changes(string upperDir, IReadOnlyList<string> lowerDirsTopFirst)
    {
        var changes = new List<FilesystemChange>();
        Walk(upperDir, "", lowerDirsTopFirst, changes, parentOpaque: false);
        return [.. changes.OrderBy(c => c.Path, StringComparer.Ordinal)];
    }

    private static void Walk(string upper, string rel, IReadOnlyList<string> lowers, List<FilesystemChange> changes, bool parentOpaque)
    {
        foreach (var full in Directory.EnumerateFileSystemEntries(rel.Length == 0 ? upper : Path.Combine(upper, rel)))
        {
            var name = Path.GetFileName(full);
            var relPath = rel.Length == 0 ? name : rel + "/" + name;
            var st = Native.Lstat(full);
            if (st.Type == Native.S_IFCHR && st.RdevMajor == 0 && st.RdevMinor == 0)
            {
                changes.Add(new FilesystemChange("/" + relPath, ChangeKind.Deleted));
                continue;
            }
            var inLower = !parentOpaque && ExistsInLowers(lowers, relPath);
            changes.Add(new FilesystemChange("/" + relPath, inLower ? ChangeKind.Modified : ChangeKind.Added));
            if (st.Type == Native.S_IFDIR)
            {
                var opaque = Native.Lgetxattr(full, "trusted.overlay.opaque") is [(byte)'y'];
                Walk(upper, relPath, lowers, changes, parentOpaque || opaque || !inLower);
            }
        }
    }

    private static bool ExistsInLowers(IReadOnlyList<string> lowers, string relPath)
    {
        var parts = relPath.Split('/');
        foreach (var lower in lowers)
        {
            // Walk down this lower dir: a whiteout hides the path, a non-directory or an opaque directory on the way
            // hides what deeper layers have below it.
            var current = lower;
            var opaqueOnTheWay = false;
            for (var i = 0; i < parts.Length; i++)
            {
                current = Path.Combine(current, parts[i]);
                if (!Native.TryLstat(current, out var st)) break;
                if (st.Type == Native.S_IFCHR && st.RdevMajor == 0 && st.RdevMinor == 0) return false;
                if (i == parts.Length - 1) return true;
                if (st.Type != Native.S_IFDIR) return false;
                if (Native.Lgetxattr(current, "trusted.overlay.opaque") is [(byte)'y']) opaqueOnTheWay = true;
            }
            if (opaqueOnTheWay) return false;
        }
        return false;
    }
}
