using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>
/// An O_PATH handle on a directory inside a layer root, reached component by component with O_NOFOLLOW, so no
/// symlink (absolute or relative, planted by the same layer) can redirect a write outside the root.
/// </summary>
internal sealed class SafeDir : IDisposable
{
    private SafeDir(int fd, string display) { Fd = fd; Display = display; }

    public int Fd { get; private set; }
    public string Display { get; }

    /// <summary>"/proc/self/fd/N/name": addresses a child for calls that only take paths (xattrs), without following it.</summary>
    public string ProcPath(string? child = null) => child is null ? $"/proc/self/fd/{Fd}/." : $"/proc/self/fd/{Fd}/{child}";

    public static SafeDir OpenRoot(string path) => new(FileSystem.OpenAt(Sys.AT_FDCWD, path, Sys.O_PATH | Sys.O_DIRECTORY), path);

    /// <summary>Walks <paramref name="components"/> from <paramref name="root"/>; missing directories are created (0755) when <paramref name="create"/>.</summary>
    public static SafeDir Walk(SafeDir root, IReadOnlyList<string> components, bool create, string entryName)
    {
        var fd = FileSystem.OpenAt(root.Fd, ".", Sys.O_PATH | Sys.O_DIRECTORY);
        try
        {
            foreach (var comp in components)
            {
                var next = FileSystem.TryOpenAt(fd, comp, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW, out var errno);
                if (next < 0 && errno == Errno.ENOENT && create)
                {
                    var mk = FileSystem.TryMkdirAt(fd, comp, 0b111_101_101);
                    if (mk != 0 && mk != Errno.EEXIST) throw new SyscallException("mkdirat", comp, mk);
                    // Exactly 0755 (docker's MkdirAll under its umask 0022), not what berthd's private umask leaves.
                    if (mk == 0) FileSystem.ChmodAt(fd, comp, 0b111_101_101);
                    next = FileSystem.TryOpenAt(fd, comp, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW, out errno);
                }
                if (next < 0)
                {
                    if (errno is Errno.ENOTDIR or Errno.ELOOP)
                    {
                        var st = FileStatus.StatAt(fd, comp);
                        if (st.Type == FileStatus.S_IFLNK)
                            throw new LayerEscapeException($"layer entry \"{entryName}\" goes through the symlink \"{comp}\"; writing through symlinks is refused");
                        throw new InvalidDataException($"layer entry \"{entryName}\": \"{comp}\" is not a directory");
                    }
                    if (errno == Errno.ENOENT)
                        throw new InvalidDataException($"layer entry \"{entryName}\" refers to \"{comp}\", which this layer does not contain");
                    throw new SyscallException("openat", $"{root.Display}/{string.Join('/', components)}", errno);
                }
                Close(fd);
                fd = next;
            }
            return new SafeDir(fd, $"{root.Display}/{string.Join('/', components)}");
        }
        catch
        {
            Close(fd);
            throw;
        }
    }

    private static void Close(int fd) => Berth.Runtime.Native.Fd.Close(fd);

    public void Dispose()
    {
        Close(Fd);
        Fd = -1;
    }
}
