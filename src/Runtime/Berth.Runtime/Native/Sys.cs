using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>
/// libc calls that Tmds.LibC 0.5.0 lacks or exposes awkwardly (posix_spawn, waitpid, pidfd,
/// sendfile, poll with pidfds). All set errno for Errno.Check.
/// </summary>
public static unsafe partial class Sys
{
    private const string Libc = "libc";

    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
        O_TRUNC = 0x200, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000,
        O_PATH = 0x200000;
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    public const int WNOHANG = 1;
    public const short POLLIN = 1, POLLHUP = 0x10, POLLERR = 8;
    public const int F_ADD_SEALS = 1033, F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;
    public const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;
    private const long SYS_pidfd_open = 434, SYS_memfd_create = 319;

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint send(int fd, byte* buf, nint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint recv(int fd, byte* buf, nint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial long syscall(long number, long a1, long a2, long a3);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint sendfile(int outFd, int inFd, long* offset, nint count);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkfifo(string path, int mode);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    // posix_spawn: the only way to start the init with chosen fds and a clean signal state
    // without forking the managed runtime.
    [LibraryImport(Libc)]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_init(void* fa);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_destroy(void* fa);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_adddup2(void* fa, int fd, int newfd);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Libc)]
    public static partial int sigemptyset(void* set);

    public const short POSIX_SPAWN_SETSIGDEF = 4, POSIX_SPAWN_SETSIGMASK = 8;

    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0, 0);

    public static int MemfdCreate(string name, uint flags)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes) return (int)syscall(SYS_memfd_create, (long)p, flags, 0);
    }

    /// <summary>Writes all bytes or throws.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string subject)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                var n = write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Errno.EINTR) continue;
                    throw new SyscallException("write", subject, Marshal.GetLastPInvokeError());
                }
                done += n;
            }
        }
    }
}

/// <summary>More libc imports used by the container lifecycle.</summary>
public static unsafe partial class Sys
{
    [LibraryImport(Libc, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int connect(int fd, byte* addr, int len);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    private const long SYS_pidfd_send_signal = 424;

    /// <summary>Connects a unix stream socket to path (the console socket).</summary>
    public static int ConnectUnix(string path)
    {
        var fd = Errno.Check(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket", path);
        var addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = (ushort)AF_UNIX;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path);
        if (bytes.Length > 107) { close(fd); throw new ArgumentException($"socket path too long: {path}"); }
        bytes.CopyTo(new Span<byte>(addr + 2, 108));
        if (connect(fd, addr, 2 + bytes.Length + 1) < 0)
        {
            var e = Marshal.GetLastPInvokeError();
            close(fd);
            throw new SyscallException("connect", path, e);
        }
        return fd;
    }

    /// <summary>Signals the process a pidfd refers to; immune to pid reuse.</summary>
    public static int PidfdSendSignal(int pidfd, int sig) => (int)syscall(SYS_pidfd_send_signal, pidfd, sig, 0);
}
