using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>statx(2) of a path or of an entry under a directory fd, never following a final symlink.</summary>
public static unsafe class FileStatus
{
    public const uint S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;
    private const uint STATX_BASIC_STATS = 0x7ff;

    public static Statx Lstat(string path) => StatAt(Sys.AT_FDCWD, path);

    public static Statx StatAt(int dirfd, string path)
    {
        Statx st;
        Errno.Check(Sys.statx(dirfd, path, Sys.AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st), "statx", path);
        return st;
    }

    /// <summary>lstat that answers false for a path that does not exist (ENOENT, ENOTDIR) instead of throwing.</summary>
    public static bool TryLstat(string path, out Statx st)
    {
        Statx s;
        if (Sys.statx(Sys.AT_FDCWD, path, Sys.AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &s) == 0) { st = s; return true; }
        st = default;
        var errno = Errno.Last;
        return errno is Errno.ENOENT or Errno.ENOTDIR ? false : throw new SyscallException("statx", path, errno);
    }

    public static DateTimeOffset ToDateTime(StatxTimestamp t) =>
        DateTimeOffset.UnixEpoch.AddTicks(t.Sec * TimeSpan.TicksPerSecond + t.Nsec / 100);
}

/// <summary>struct statx_timestamp.</summary>
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

    /// <summary>The S_IF* bits.</summary>
    public readonly uint Type => Mode & FileStatus.S_IFMT;

    /// <summary>Permission bits with setuid, setgid and sticky.</summary>
    public readonly uint Permissions => Mode & 0xFFFu;

    /// <summary>A whiteout as overlayfs writes one: a character device 0/0.</summary>
    public readonly bool IsWhiteout => Type == FileStatus.S_IFCHR && RdevMajor == 0 && RdevMinor == 0;
}
