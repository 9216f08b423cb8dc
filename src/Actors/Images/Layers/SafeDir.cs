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

    public static SafeDir OpenRoot(string path) => new(Native.OpenAt(Native.AT_FDCWD, path, Native.O_PATH | Native.O_DIRECTORY), path);

    /// <summary>Walks <paramref name="components"/> from <paramref name="root"/>; missing directories are created (0755) when <paramref name="create"/>.</summary>
    public static SafeDir Walk(SafeDir root, IReadOnlyList<string> components, bool create, string entryName)
    {
        var fd = Native.OpenAt(root.Fd, ".", Native.O_PATH | Native.O_DIRECTORY);
        try
        {
            foreach (var comp in components)
            {
                var next = Native.TryOpenAt(fd, comp, Native.O_PATH | Native.O_DIRECTORY | Native.O_NOFOLLOW, out var errno);
                if (next < 0 && errno == Native.ENOENT && create)
                {
                    var mk = Native.TryMkdirAt(fd, comp, 0b111_101_101);
                    if (mk != 0 && mk != Native.EEXIST) throw new NativeException("mkdirat", comp, mk);
                    // Exactly 0755 (docker's MkdirAll under its umask 0022), not what berthd's private umask leaves.
                    if (mk == 0) Native.ChmodAt(fd, comp, 0b111_101_101);
                    next = Native.TryOpenAt(fd, comp, Native.O_PATH | Native.O_DIRECTORY | Native.O_NOFOLLOW, out errno);
                }
                if (next < 0)
                {
                    if (errno is Native.ENOTDIR or Native.ELOOP)
                    {
                        var st = Native.StatAt(fd, comp);
                        if (st.Type == Native.S_IFLNK)
                            throw new LayerEscapeException($"layer entry \"{entryName}\" goes through the symlink \"{comp}\"; writing through symlinks is refused");
                        throw new InvalidDataException($"layer entry \"{entryName}\": \"{comp}\" is not a directory");
                    }
                    if (errno == Native.ENOENT)
                        throw new InvalidDataException($"layer entry \"{entryName}\" refers to \"{comp}\", which this layer does not contain");
                    throw new NativeException("openat", $"{root.Display}/{string.Join('/', components)}", errno);
                }
                Native.Close(fd);
                fd = next;
            }
            return new SafeDir(fd, $"{root.Display}/{string.Join('/', components)}");
        }
        catch
        {
            Native.Close(fd);
            throw;
        }
    }

    public void Dispose()
    {
        Native.Close(Fd);
        Fd = -1;
    }
}
