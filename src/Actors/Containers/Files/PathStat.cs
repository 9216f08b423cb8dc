using Berth.Actors.Images.Layers;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers.Files;

/// <summary>
/// What X-Docker-Container-Path-Stat carries: name, size, Go's os.FileMode (type bits high, permissions low), mtime
/// and, for a symlink, its target resolved inside the container (what `docker cp -L` follows).
/// </summary>
public sealed record PathStat(string Name, long Size, uint Mode, DateTimeOffset Mtime, string LinkTarget)
{
    public bool IsDir => (Mode & GoModeDir) != 0;

    public const uint GoModeDir = 1u << 31, GoModeSymlink = 1u << 27, GoModeDevice = 1u << 26, GoModeNamedPipe = 1u << 25,
        GoModeSocket = 1u << 24, GoModeSetuid = 1u << 23, GoModeSetgid = 1u << 22, GoModeCharDevice = 1u << 21, GoModeSticky = 1u << 20;

    /// <summary>Go's os.FileMode for a stat result, as docker reports it.</summary>
    internal static uint GoMode(Statx st)
    {
        var mode = st.Permissions & 0x1FFu;
        if ((st.Permissions & 0x800) != 0) mode |= GoModeSetuid;
        if ((st.Permissions & 0x400) != 0) mode |= GoModeSetgid;
        if ((st.Permissions & 0x200) != 0) mode |= GoModeSticky;
        mode |= st.Type switch
        {
            FileStatus.S_IFDIR => GoModeDir,
            FileStatus.S_IFLNK => GoModeSymlink,
            FileStatus.S_IFBLK => GoModeDevice,
            FileStatus.S_IFCHR => GoModeDevice | GoModeCharDevice,
            FileStatus.S_IFIFO => GoModeNamedPipe,
            FileStatus.S_IFSOCK => GoModeSocket,
            _ => 0u,
        };
        return mode;
    }
}
