namespace Berth.Runtime.Native;

/// <summary>
/// Opens paths inside a container's root with openat2(RESOLVE_IN_ROOT): "..", absolute symlinks and relative ones
/// are all resolved as if the root were "/", so nothing a container planted can lead outside it.
/// </summary>
public static class InRoot
{
    private const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_IN_ROOT = 0x10;

    /// <summary>openat2 under <paramref name="rootFd"/>; returns -errno instead of throwing for ENOENT and ENOTDIR.</summary>
    public static int TryOpen(int rootFd, string path, int flags)
    {
        var rel = path.TrimStart('/');
        var fd = Sys.openat2(rootFd, rel.Length == 0 ? "." : rel, (ulong)(flags | Sys.O_CLOEXEC), RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        if (fd >= 0) return fd;
        var errno = Errno.Last;
        return errno is Errno.ENOENT or Errno.ENOTDIR ? -errno : throw new SyscallException("openat2", path, errno);
    }

    /// <summary>The path, inside the root, of what <paramref name="fd"/> refers to ("/" for the root itself).</summary>
    public static string PathOf(int fd, string rootPath)
    {
        var real = FileSystem.ReadlinkAt(Sys.AT_FDCWD, $"/proc/self/fd/{fd}");
        var root = rootPath.TrimEnd('/');
        if (real == root) return "/";
        return real.StartsWith(root + "/", StringComparison.Ordinal) ? real[root.Length..] : real;
    }
}
