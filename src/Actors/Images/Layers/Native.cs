using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Berth.Actors.Images.Layers;

/// <summary>A failed system call, naming the call, the path and errno.</summary>
public sealed class NativeException(string call, string path, int errno)
    : IOException($"{call}(\"{path}\"): {Native.ErrnoName(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
{
    public string Call { get; } = call;
    public string Target { get; } = path;
    public int Errno { get; } = errno;
}

/// <summary>The libc calls the image store needs (x86_64/arm64 Linux), each wrapped so a failure throws <see cref="NativeException"/>.</summary>
internal static partial class Native
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_DIRECTORY = 0x10000,
        O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    public const uint S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;
    public const int ENOENT = 2, EBUSY = 16, EEXIST = 17, ENOTDIR = 20, ELOOP = 40, ENODATA = 61, ERANGE = 34, EINVAL = 22, ENOTEMPTY = 39;
    public const int MNT_DETACH = 2;
    private const int STATX_BASIC_STATS = 0x7ff;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat_(int dirfd, string path, int flags, uint mode);
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close_(int fd);
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync_(int fd);
    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdirat_(int dirfd, string path, uint mode);
    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknodat_(int dirfd, string path, uint mode, ulong dev);
    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlinkat_(string target, int dirfd, string linkpath);
    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int linkat_(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);
    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlinkat_(int dirfd, string path, int flags);
    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fchownat_(int dirfd, string path, uint uid, uint gid, int flags);
    [LibraryImport("libc", EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fchmodat_(int dirfd, string path, uint mode, int flags);
    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat_(int dirfd, string path, Timespec[] times, int flags);
    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr_(string path, string name, byte[] value, nuint size, int flags);
    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr_(string path, string name, byte[]? value, nuint size);
    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr_(string path, byte[]? list, nuint size);
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx_(int dirfd, string path, int flags, uint mask, out Statx buf);
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlinkat_(int dirfd, string path, byte[] buf, nuint size);
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount_(string source, string target, string fstype, ulong flags, string? data);
    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2_(string target, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long Sec; public long Nsec; }

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp { public long Sec; public uint Nsec; public int Reserved; }

    /// <summary>struct statx: the same layout on every architecture, unlike struct stat.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct Statx
    {
        public uint Mask, Blksize;
        public ulong Attributes;
        public uint Nlink, Uid, Gid;
        public ushort Mode, Pad1;
        public ulong Ino, Size, Blocks, AttributesMask;
        public StatxTimestamp Atime, Btime, Ctime, Mtime;
        public uint RdevMajor, RdevMinor, DevMajor, DevMinor;
        public fixed ulong Spare[14];

        public readonly uint Type => Mode & S_IFMT;
        public readonly uint Permissions => Mode & 0xFFFu;
    }

    private static int Check(int rc, string call, string path) =>
        rc < 0 ? throw new NativeException(call, path, Marshal.GetLastPInvokeError()) : rc;

    public static int OpenAt(int dirfd, string path, int flags, uint mode = 0) =>
        Check(openat_(dirfd, path, flags | O_CLOEXEC, mode), "openat", path);

    /// <summary>openat that reports ENOENT/ELOOP/ENOTDIR as a negative errno instead of throwing.</summary>
    public static int TryOpenAt(int dirfd, string path, int flags, out int errno)
    {
        var fd = openat_(dirfd, path, flags | O_CLOEXEC, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    public static void Close(int fd) { if (fd >= 0) close_(fd); }

    public static void FsyncDirectory(string dir)
    {
        var fd = OpenAt(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY);
        try { Check(fsync_(fd), "fsync", dir); } finally { Close(fd); }
    }

    public static void MkdirAt(int dirfd, string name, uint mode) => Check(mkdirat_(dirfd, name, mode), "mkdirat", name);

    public static int TryMkdirAt(int dirfd, string name, uint mode) =>
        mkdirat_(dirfd, name, mode) < 0 ? Marshal.GetLastPInvokeError() : 0;

    public static void MknodAt(int dirfd, string name, uint mode, uint major, uint minor) =>
        Check(mknodat_(dirfd, name, mode, MakeDev(major, minor)), "mknodat", name);

    public static void SymlinkAt(string target, int dirfd, string name) => Check(symlinkat_(target, dirfd, name), "symlinkat", name);

    public static void LinkAt(int olddirfd, string oldname, int newdirfd, string newname) =>
        Check(linkat_(olddirfd, oldname, newdirfd, newname, 0), "linkat", newname);

    public static int TryUnlinkAt(int dirfd, string name, int flags) =>
        unlinkat_(dirfd, name, flags) < 0 ? Marshal.GetLastPInvokeError() : 0;

    public static void UnlinkAt(int dirfd, string name, int flags) => Check(unlinkat_(dirfd, name, flags), "unlinkat", name);

    public static void LchownAt(int dirfd, string name, uint uid, uint gid) =>
        Check(fchownat_(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW), "fchownat", name);

    public static void ChmodAt(int dirfd, string name, uint mode) => Check(fchmodat_(dirfd, name, mode, 0), "fchmodat", name);

    public static void LutimesAt(int dirfd, string name, DateTimeOffset atime, DateTimeOffset mtime) =>
        Check(utimensat_(dirfd, name, [ToTimespec(atime), ToTimespec(mtime)], AT_SYMLINK_NOFOLLOW), "utimensat", name);

    public static void Lsetxattr(string path, string name, byte[] value) =>
        Check(lsetxattr_(path, name, value, (nuint)value.Length, 0), $"lsetxattr[{name}]", path);

    /// <summary>The value of one extended attribute, or null when the file does not have it.</summary>
    public static byte[]? Lgetxattr(string path, string name)
    {
        while (true)
        {
            var size = lgetxattr_(path, name, null, 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == ENODATA) return null;
                throw new NativeException($"lgetxattr[{name}]", path, errno);
            }
            var buf = new byte[size];
            var got = lgetxattr_(path, name, buf, (nuint)buf.Length);
            if (got >= 0) return got == buf.Length ? buf : buf[..(int)got];
            if (Marshal.GetLastPInvokeError() != ERANGE) throw new NativeException($"lgetxattr[{name}]", path, Marshal.GetLastPInvokeError());
        }
    }

    public static IReadOnlyList<string> Llistxattr(string path)
    {
        while (true)
        {
            var size = llistxattr_(path, null, 0);
            if (size < 0) throw new NativeException("llistxattr", path, Marshal.GetLastPInvokeError());
            if (size == 0) return [];
            var buf = new byte[size];
            var got = llistxattr_(path, buf, (nuint)buf.Length);
            if (got < 0)
            {
                if (Marshal.GetLastPInvokeError() == ERANGE) continue;
                throw new NativeException("llistxattr", path, Marshal.GetLastPInvokeError());
            }
            return Encoding.UTF8.GetString(buf, 0, (int)got).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public static Statx Lstat(string path) => StatAt(AT_FDCWD, path);

    public static Statx StatAt(int dirfd, string path)
    {
        Check(statx_(dirfd, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out var st), "statx", path);
        return st;
    }

    public static bool TryLstat(string path, out Statx st)
    {
        if (statx_(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out st) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno is ENOENT or ENOTDIR ? false : throw new NativeException("statx", path, errno);
    }

    public static string ReadlinkAt(int dirfd, string path)
    {
        var buf = new byte[4096];
        var n = readlinkat_(dirfd, path, buf, (nuint)buf.Length);
        if (n < 0) throw new NativeException("readlinkat", path, Marshal.GetLastPInvokeError());
        return Encoding.UTF8.GetString(buf, 0, (int)n);
    }

    public static void Mount(string source, string target, string fstype, ulong flags, string? data)
    {
        if (mount_(source, target, fstype, flags, data) < 0)
            throw new NativeException($"mount[{fstype}]", target, Marshal.GetLastPInvokeError());
    }

    public static void Umount(string target, int flags = 0) => Check(umount2_(target, flags), "umount2", target);

    public static FileStream FileStreamFor(int fd, FileAccess access) =>
        new(new SafeFileHandle(fd, ownsHandle: true), access, 1 << 16);

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private static Timespec ToTimespec(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0) { sec--; rem += TimeSpan.TicksPerSecond; }
        return new Timespec { Sec = sec, Nsec = rem * 100 };
    }

    public static DateTimeOffset FromStatx(StatxTimestamp t) =>
        DateTimeOffset.UnixEpoch.AddTicks(t.Sec * TimeSpan.TicksPerSecond + t.Nsec / 100);

    public static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM", 2 => "ENOENT", 5 => "EIO", 9 => "EBADF", 12 => "ENOMEM", 13 => "EACCES", 16 => "EBUSY", 17 => "EEXIST",
        18 => "EXDEV", 19 => "ENODEV", 20 => "ENOTDIR", 21 => "EISDIR", 22 => "EINVAL", 28 => "ENOSPC", 30 => "EROFS",
        34 => "ERANGE", 36 => "ENAMETOOLONG", 38 => "ENOSYS", 39 => "ENOTEMPTY", 40 => "ELOOP", 61 => "ENODATA",
        95 => "EOPNOTSUPP", _ => $"errno {errno}",
    };
}
