namespace Berth.Runtime.Native;

/// <summary>pty master handling: receiving it over a console socket, and its window size.</summary>
public static unsafe class Terminal
{
    private const int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000;
    private const nuint TIOCSWINSZ = 0x5414;

    /// <summary>Receives the one fd a runtime sends with SCM_RIGHTS over <paramref name="socketFd"/>.</summary>
    public static int ReceiveFd(int socketFd, string subject)
    {
        var data = stackalloc byte[4096];
        var iov = stackalloc nint[2];
        iov[0] = (nint)data;
        iov[1] = 4096;
        var control = stackalloc byte[64];
        new Span<byte>(control, 64).Clear();
        var msg = stackalloc byte[56];
        new Span<byte>(msg, 56).Clear();
        // struct msghdr: name(0) namelen(8) iov(16) iovlen(24) control(32) controllen(40) flags(48)
        *(nint*)(msg + 16) = (nint)iov;
        *(nint*)(msg + 24) = 1;
        *(nint*)(msg + 32) = (nint)control;
        *(nint*)(msg + 40) = 64;
        while (true)
        {
            var n = Sys.recvmsg(socketFd, msg, MSG_CMSG_CLOEXEC);
            if (n >= 0) break;
            var e = Errno.Last;
            if (e != Errno.EINTR) throw new SyscallException("recvmsg", subject, e);
        }
        // struct cmsghdr: len(0) level(8) type(12) data(16)
        var len = *(nint*)control;
        if (*(nint*)(msg + 40) < 20 || len < 20 || *(int*)(control + 8) != SOL_SOCKET || *(int*)(control + 12) != SCM_RIGHTS)
            throw new IOException($"recvmsg({subject}): the runtime sent no file descriptor");
        return *(int*)(control + 16);
    }

    /// <summary>TIOCSWINSZ: the program on the slave side gets SIGWINCH and the new size.</summary>
    public static void Resize(int masterFd, ushort rows, ushort cols)
    {
        var ws = stackalloc ushort[4];
        ws[0] = rows;
        ws[1] = cols;
        ws[2] = 0;
        ws[3] = 0;
        Errno.Check(Sys.ioctl(masterFd, TIOCSWINSZ, ws), "ioctl", "TIOCSWINSZ");
    }
}
