using System.Text;

namespace Berth.Runtime.Native;

/// <summary>
/// Files, directories, links, device nodes, owners, modes and times, reached through the *at() calls relative to a
/// directory fd (what unpacking a layer or copying into a container needs to stay inside its root). Every fd is
/// close-on-exec; a failure throws <see cref="SyscallException"/> naming the call and the path.
/// </summary>
public static unsafe class FileSystem
{
    public static int OpenAt(int dirfd, string path, int flags, uint mode = 0) =>
        Errno.Check(Sys.openat(dirfd, path, flags | Sys.O_CLOEXEC, mode), "openat", path);

    /// <summary>openat that reports failure as -1 and <paramref name="errno"/> instead of throwing.</summary>
    public static int TryOpenAt(int dirfd, string path, int flags, out int errno)
    {
        var fd = Sys.openat(dirfd, path, flags | Sys.O_CLOEXEC, 0);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    public static void MkdirAt(int dirfd, string name, uint mode) => Errno.Check(Sys.mkdirat(dirfd, name, mode), "mkdirat", name);

    /// <summary>mkdirat; 0 or the errno.</summary>
    public static int TryMkdirAt(int dirfd, string name, uint mode) => Sys.mkdirat(dirfd, name, mode) < 0 ? Errno.Last : 0;

    public static void MknodAt(int dirfd, string name, uint mode, uint major, uint minor) =>
        Errno.Check(Sys.mknodat(dirfd, name, mode, MakeDev(major, minor)), "mknodat", name);

    public static void SymlinkAt(string target, int dirfd, string name) => Errno.Check(Sys.symlinkat(target, dirfd, name), "symlinkat", name);

    public static void LinkAt(int olddirfd, string oldname, int newdirfd, string newname) =>
        Errno.Check(Sys.linkat(olddirfd, oldname, newdirfd, newname, 0), "linkat", newname);

    /// <summary>unlinkat; 0 or the errno.</summary>
    public static int TryUnlinkAt(int dirfd, string name, int flags) => Sys.unlinkat(dirfd, name, flags) < 0 ? Errno.Last : 0;

    public static void UnlinkAt(int dirfd, string name, int flags) => Errno.Check(Sys.unlinkat(dirfd, name, flags), "unlinkat", name);

    /// <summary>chown(2) of a path (a final symlink is followed).</summary>
    public static void Chown(string path, uint uid, uint gid) => Errno.Check(Sys.chown(path, uid, gid), "chown", path);

    /// <summary>chown of the entry itself, never a symlink's target.</summary>
    public static void LchownAt(int dirfd, string name, uint uid, uint gid) =>
        Errno.Check(Sys.fchownat(dirfd, name, uid, gid, Sys.AT_SYMLINK_NOFOLLOW), "fchownat", name);

    public static void ChmodAt(int dirfd, string name, uint mode) => Errno.Check(Sys.fchmodat(dirfd, name, mode, 0), "fchmodat", name);

    /// <summary>Access and modification times of the entry itself, never a symlink's target.</summary>
    public static void LutimesAt(int dirfd, string name, DateTimeOffset atime, DateTimeOffset mtime)
    {
        var times = stackalloc long[4];
        (times[0], times[1]) = ToTimespec(atime);
        (times[2], times[3]) = ToTimespec(mtime);
        Errno.Check(Sys.utimensat(dirfd, name, times, Sys.AT_SYMLINK_NOFOLLOW), "utimensat", name);
    }

    public static string ReadlinkAt(int dirfd, string path)
    {
        var buf = new byte[4096];
        nint n;
        fixed (byte* p = buf) n = Sys.readlinkat(dirfd, path, p, buf.Length);
        if (n < 0) throw new SyscallException("readlinkat", path, Errno.Last);
        return Encoding.UTF8.GetString(buf, 0, (int)n);
    }

    /// <summary>The kernel's dev_t encoding of a device number (glibc's makedev).</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private static (long Sec, long Nsec) ToTimespec(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0) { sec--; rem += TimeSpan.TicksPerSecond; }
        return (sec, rem * 100);
    }
}
