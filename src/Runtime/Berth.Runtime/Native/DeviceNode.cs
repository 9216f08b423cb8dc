using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>A device node on the host as lstat(2) describes it: 'b', 'c' or 'p' (a fifo), its numbers, mode bits and owner.</summary>
public sealed partial record DeviceNode(char Type, long Major, long Minor, uint Mode, uint Uid, uint Gid)
{
    private const int AtFdcwd = -100, AtSymlinkNofollow = 0x100, StatxBasicStats = 0x7ff;
    private const uint SIfmt = 0xF000, SIfifo = 0x1000, SIfchr = 0x2000, SIfblk = 0x6000;

    /// <summary>The node at <paramref name="path"/> (a link itself, not its target); null when it is no device node.</summary>
    /// <exception cref="SyscallException">lstat failed (ENOENT, EACCES, ...).</exception>
    public static DeviceNode? Lstat(string path)
    {
        if (statx(AtFdcwd, path, AtSymlinkNofollow, StatxBasicStats, out var st) != 0)
            throw new SyscallException("statx", path, Marshal.GetLastPInvokeError());
        char? type = (st.Mode & SIfmt) switch { SIfblk => 'b', SIfchr => 'c', SIfifo => 'p', _ => null };
        return type is { } t ? new DeviceNode(t, st.RdevMajor, st.RdevMinor, st.Mode & ~SIfmt, st.Uid, st.Gid) : null;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, out Statx buf);

    /// <summary>struct statx: one layout on every architecture.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Statx
    {
        public uint Mask, Blksize;
        public ulong Attributes;
        public uint Nlink, Uid, Gid;
        public ushort Mode, Pad1;
        public ulong Ino, Size, Blocks, AttributesMask;
        public fixed byte Timestamps[4 * 16];
        public uint RdevMajor, RdevMinor, DevMajor, DevMinor;
        public fixed ulong Spare[14];
    }
}
