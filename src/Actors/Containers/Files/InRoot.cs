using System.Runtime.InteropServices;
using Berth.Actors.Images.Layers;

namespace Berth.Actors.Containers.Files;

/// <summary>
/// Opens paths inside a container's root with openat2(RESOLVE_IN_ROOT): "..", absolute symlinks and relative ones
/// are all resolved as if the root were "/", so nothing a container planted can lead outside it.
/// </summary>
internal static partial class InRoot
{
    private const long SYS_openat2 = 437;   // the same number on x86_64 and arm64
    private const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_IN_ROOT = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow { public ulong Flags, Mode, Resolve; }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_openat2(long number, int dirfd, string path, ref OpenHow how, nuint size);

    /// <summary>openat2 under <paramref name="rootFd"/>; returns -errno instead of throwing for ENOENT and ENOTDIR.</summary>
    public static int TryOpen(int rootFd, string path, int flags)
    {
        var how = new OpenHow { Flags = (ulong)(flags | Native.O_CLOEXEC), Resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
        var rel = path.TrimStart('/');
        var fd = syscall_openat2(SYS_openat2, rootFd, rel.Length == 0 ? "." : rel, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        if (fd >= 0) return (int)fd;
        var errno = Marshal.GetLastPInvokeError();
        return errno is Native.ENOENT or Native.ENOTDIR ? -errno : throw new NativeException("openat2", path, errno);
    }

    /// <summary>The path, inside the root, of what <paramref name="fd"/> refers to ("/" for the root itself).</summary>
    public static string PathOf(int fd, string rootPath)
    {
        var real = Native.ReadlinkAt(Native.AT_FDCWD, $"/proc/self/fd/{fd}");
        var root = rootPath.TrimEnd('/');
        if (real == root) return "/";
        return real.StartsWith(root + "/", StringComparison.Ordinal) ? real[root.Length..] : real;
    }
}
