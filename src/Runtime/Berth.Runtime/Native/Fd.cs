namespace Berth.Runtime.Native;

/// <summary>Plain file-descriptor operations: every fd close-on-exec, results checked, EINTR retried.</summary>
public static unsafe class Fd
{
    /// <summary>A pipe whose both ends are close-on-exec.</summary>
    public static (int Read, int Write) Pipe(string purpose)
    {
        var fds = stackalloc int[2];
        Errno.Check(Sys.pipe2(fds, Sys.O_CLOEXEC), "pipe2", purpose);
        return (fds[0], fds[1]);
    }

    public static int Open(string path, int flags, int mode = 0) =>
        Errno.Check(Sys.open(path, flags | Sys.O_CLOEXEC, mode), "open", path);

    public static int OpenDevNull() => Open("/dev/null", Sys.O_RDWR);

    /// <summary>Reads into <paramref name="buffer"/>; 0 at end of stream. EIO (a pty whose slave side is gone) counts as end.</summary>
    public static int Read(int fd, Span<byte> buffer, string subject)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Sys.read(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                var e = Errno.Last;
                if (e == Errno.EINTR) continue;
                if (e == Errno.EIO) return 0;
                throw new SyscallException("read", subject, e);
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string subject)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                var n = Sys.write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    var e = Errno.Last;
                    if (e == Errno.EINTR) continue;
                    throw new SyscallException("write", subject, e);
                }
                done += n;
            }
        }
    }

    /// <summary>Points <paramref name="target"/> at what <paramref name="source"/> refers to (dup2).</summary>
    public static void Redirect(int source, int target, string subject) =>
        Errno.Check(Sys.dup2(source, target), "dup2", subject);

    /// <summary>Closes <paramref name="fd"/> if it is open and marks it closed (-1).</summary>
    public static void Close(ref int fd)
    {
        if (fd < 0) return;
        Sys.close(fd);
        fd = -1;
    }

    /// <summary>Closes <paramref name="fd"/> unless it is -1.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0) Sys.close(fd);
    }

    /// <summary>A FileStream that owns <paramref name="fd"/>.</summary>
    public static FileStream Stream(int fd, FileAccess access) =>
        new(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), access, 1 << 16);

    /// <summary>fsync of a directory: a rename or create inside it survives a crash.</summary>
    public static void FsyncDirectory(string dir)
    {
        var fd = Errno.Check(Sys.open(dir, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC, 0), "open", dir);
        try { Errno.Check(Sys.fsync(fd), "fsync", dir); }
        finally { Sys.close(fd); }
    }
}
