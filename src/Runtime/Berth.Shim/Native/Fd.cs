namespace Berth.Shim.Native;

/// <summary>Plain file-descriptor operations with errno checking and EINTR retries.</summary>
internal static unsafe class Fd
{
    /// <summary>A pipe whose both ends are close-on-exec.</summary>
    public static (int Read, int Write) Pipe(string purpose)
    {
        var fds = stackalloc int[2];
        Errno.Check(Libc.pipe2(fds, Libc.O_CLOEXEC), "pipe2", purpose);
        return (fds[0], fds[1]);
    }

    public static int Open(string path, int flags, int mode = 0) =>
        Errno.Check(Libc.open(path, flags | Libc.O_CLOEXEC, mode), "open", path);

    public static int OpenDevNull() => Open("/dev/null", Libc.O_RDWR);

    /// <summary>Reads into <paramref name="buffer"/>; 0 at end of stream. EIO (a pty whose slave side is gone) counts as end.</summary>
    public static int Read(int fd, Span<byte> buffer, string subject)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Libc.read(fd, p, buffer.Length);
                if (n >= 0) return n;
                var e = Errno.Last;
                if (e == Libc.EINTR) continue;
                if (e == Libc.EIO) return 0;
                throw Errno.Fail("read", subject, e);
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string subject)
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = Libc.write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    var e = Errno.Last;
                    if (e == Libc.EINTR) continue;
                    throw Errno.Fail("write", subject, e);
                }
                done += (int)n;
            }
        }
    }

    /// <summary>Closes <paramref name="fd"/> if it is open; ignores -1.</summary>
    public static void Close(ref int fd)
    {
        if (fd < 0) return;
        Libc.close(fd);
        fd = -1;
    }
}
