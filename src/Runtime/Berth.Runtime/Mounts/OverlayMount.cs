using Berth.Runtime.Native;

namespace Berth.Runtime.Mounts;

/// <summary>Overlay mounts of read-only lower dirs under a writable upper dir: a container's root filesystem.</summary>
public static class OverlayMount
{
    /// <summary>The kernel's limit on mount data: one page minus its terminating NUL.</summary>
    public const int MaxOptionsLength = 4095;

    /// <summary>
    /// Mounts overlay at <paramref name="mergedDir"/> (creating upper, work and merged dirs) with
    /// <paramref name="lowerDirsTopFirst"/> below <paramref name="upperDir"/>. Without lower dirs an empty one is made
    /// next to the upper dir, because overlay needs at least one.
    /// </summary>
    /// <remarks>
    /// docker's overlay2 modes, whatever the caller's umask: the upper dir is the container's "/" (0755), work is 0700.
    /// What keeps other users out is the parent: the upper dir's parent is created 0700.
    /// </remarks>
    /// <exception cref="ArgumentException">A dir's path holds ',' or ':' (overlay's separators), or the options exceed a page.</exception>
    /// <exception cref="SyscallException">mount(2) refused (EINVAL for a lower dir that is itself an overlay upper, ...).</exception>
    public static void Mount(IReadOnlyList<string> lowerDirsTopFirst, string upperDir, string workDir, string mergedDir)
    {
        var parent = Path.GetDirectoryName(upperDir)!;
        if (!Directory.Exists(parent)) Directory.CreateDirectory(parent, ExactMode.Dir0700);
        ExactMode.CreateDirectories(upperDir, ExactMode.Dir0755);
        ExactMode.CreateDirectories(workDir, ExactMode.Dir0700);
        ExactMode.CreateDirectories(mergedDir, ExactMode.Dir0755);
        var lowers = lowerDirsTopFirst;
        if (lowers.Count == 0)
        {
            var empty = Path.Combine(parent, "empty-lower");
            ExactMode.CreateDirectories(empty, ExactMode.Dir0755);
            lowers = [empty];
        }
        foreach (var dir in lowers.Append(upperDir).Append(workDir))
            if (dir.IndexOfAny([',', ':']) >= 0) throw new ArgumentException($"overlay cannot use a directory whose path has ',' or ':': {dir}");
        var data = $"lowerdir={string.Join(':', lowers)},upperdir={upperDir},workdir={workDir}";
        if (data.Length > MaxOptionsLength)
            throw new ArgumentException($"overlay options for {lowers.Count} layers are {data.Length} bytes; the kernel takes at most {MaxOptionsLength}");
        if (Sys.mount("overlay", mergedDir, "overlay", 0, data) < 0)
            throw new SyscallException("mount[overlay]", mergedDir, Errno.Last);
    }

    /// <summary>Unmounts <paramref name="mergedDir"/> (lazily if it is still busy); a dir that is not mounted is not an error.</summary>
    public static void Unmount(string mergedDir)
    {
        if (Sys.umount2(mergedDir, 0) == 0) return;
        var errno = Errno.Last;
        if (errno is Errno.EINVAL or Errno.ENOENT) return;   // not a mount point (or gone)
        if (errno != Errno.EBUSY) throw new SyscallException("umount2", mergedDir, errno);
        Errno.Check(Sys.umount2(mergedDir, Sys.MNT_DETACH), "umount2(MNT_DETACH)", mergedDir);
    }
}
