using System.Text;

namespace Berth.Runtime.Native;

/// <summary>
/// Directories and files with exactly the mode asked for, whatever the umask (create, then chmod): what a container
/// sees (its root, mount points, /etc files) must not depend on berthd's private umask.
/// </summary>
public static class ExactMode
{
    /// <summary>rwxr-xr-x, docker's mode for directories it creates for a container.</summary>
    public const UnixFileMode Dir0755 = (UnixFileMode)0x1ED;
    /// <summary>rwx--x---: traversable by root's group only, docker's mode for its data root and container dirs.</summary>
    public const UnixFileMode Dir0710 = (UnixFileMode)0x1C8;
    /// <summary>rwx------.</summary>
    public const UnixFileMode Dir0700 = (UnixFileMode)0x1C0;
    /// <summary>rw-r--r--: files bound into a container, which its non-root users must read.</summary>
    public const UnixFileMode File0644 = (UnixFileMode)0x1A4;
    /// <summary>rw-r-----: docker's json-file logs.</summary>
    public const UnixFileMode File0640 = (UnixFileMode)0x1A0;
    /// <summary>rw-------: configs, specs and state that may carry a container's secrets.</summary>
    public const UnixFileMode File0600 = (UnixFileMode)0x180;

    /// <summary>
    /// mkdir -p in which every directory this call creates gets <paramref name="mode"/> (dockerd's MkdirAll under its
    /// umask 0022); directories that exist keep theirs.
    /// </summary>
    public static void CreateDirectories(string path, UnixFileMode mode)
    {
        var full = Path.GetFullPath(path);
        if (System.IO.Directory.Exists(full)) return;
        var parent = Path.GetDirectoryName(full);
        if (parent != null) CreateDirectories(parent, mode);
        if (Sys.mkdir(full, (uint)mode) == 0) File.SetUnixFileMode(full, mode);
        else if (Errno.Last is var errno && errno != Errno.EEXIST) throw new SyscallException("mkdir", full, errno);
    }

    /// <summary>The directory (parents created as the umask allows) with exactly <paramref name="mode"/>, whether it existed or not.</summary>
    public static void Directory(string path, UnixFileMode mode)
    {
        System.IO.Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Writes <paramref name="path"/> atomically (a temporary file renamed over it) with exactly <paramref name="mode"/>.</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var tmp = path + ".tmp";
        using (var file = new FileStream(tmp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = File0600,
               }))
        {
            // Created owner-only; the exact mode is set (widened, if at all) before any content is in it.
            File.SetUnixFileMode(file.SafeFileHandle, mode);
            file.Write(content);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Writes text as UTF-8, see <see cref="WriteFile(string, ReadOnlySpan{byte}, UnixFileMode)"/>.</summary>
    public static void WriteFile(string path, string content, UnixFileMode mode) => WriteFile(path, Encoding.UTF8.GetBytes(content), mode);
}
