namespace Berth.Runtime.Native;

/// <summary>A device node on the host as lstat(2) describes it: 'b', 'c' or 'p' (a fifo), its numbers, mode bits and owner.</summary>
public sealed record DeviceNode(char Type, long Major, long Minor, uint Mode, uint Uid, uint Gid)
{
    /// <summary>The node at <paramref name="path"/> (a link itself, not its target); null when it is no device node.</summary>
    /// <exception cref="SyscallException">lstat failed (ENOENT, EACCES, ...).</exception>
    public static DeviceNode? Lstat(string path)
    {
        var st = FileStatus.Lstat(path);
        char? type = st.Type switch { FileStatus.S_IFBLK => 'b', FileStatus.S_IFCHR => 'c', FileStatus.S_IFIFO => 'p', _ => null };
        return type is { } t ? new DeviceNode(t, st.RdevMajor, st.RdevMinor, st.Mode & ~FileStatus.S_IFMT, st.Uid, st.Gid) : null;
    }
}
