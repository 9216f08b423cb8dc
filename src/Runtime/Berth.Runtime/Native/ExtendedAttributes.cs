using System.Text;

namespace Berth.Runtime.Native;

/// <summary>Extended attributes of a path itself (l*xattr: a symlink's own, never its target's).</summary>
public static unsafe class ExtendedAttributes
{
    public static void Set(string path, string name, byte[] value)
    {
        fixed (byte* v = value)
            Errno.Check(Sys.lsetxattr(path, name, v, (nuint)value.Length, 0), $"lsetxattr[{name}]", path);
    }

    /// <summary>The value of one extended attribute, or null when the file does not have it.</summary>
    public static byte[]? Get(string path, string name)
    {
        while (true)
        {
            var size = Sys.lgetxattr(path, name, null, 0);
            if (size < 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.ENODATA) return null;
                throw new SyscallException($"lgetxattr[{name}]", path, errno);
            }
            var buf = new byte[size];
            nint got;
            fixed (byte* p = buf) got = Sys.lgetxattr(path, name, p, (nuint)buf.Length);
            if (got >= 0) return got == buf.Length ? buf : buf[..(int)got];
            if (Errno.Last != Errno.ERANGE) throw new SyscallException($"lgetxattr[{name}]", path, Errno.Last);
        }
    }

    /// <summary>The names of the extended attributes <paramref name="path"/> has.</summary>
    public static IReadOnlyList<string> List(string path)
    {
        while (true)
        {
            var size = Sys.llistxattr(path, null, 0);
            if (size < 0) throw new SyscallException("llistxattr", path, Errno.Last);
            if (size == 0) return [];
            var buf = new byte[size];
            nint got;
            fixed (byte* p = buf) got = Sys.llistxattr(path, p, (nuint)buf.Length);
            if (got < 0)
            {
                if (Errno.Last == Errno.ERANGE) continue;
                throw new SyscallException("llistxattr", path, Errno.Last);
            }
            return Encoding.UTF8.GetString(buf, 0, (int)got).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
