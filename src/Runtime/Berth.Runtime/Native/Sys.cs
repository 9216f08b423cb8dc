using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Berth.Runtime.Native;

/// <summary>
/// berth's one libc layer: the raw entry points every kernel call of the runtime, the shim and the daemon goes through.
/// Calls Tmds.LibC has are forwarded to it (strings as UTF-8); the ones it lacks (posix_spawn, wait*, prctl,
/// sendfile, clock_gettime, xattrs) are imported in <c>Sys.Imports.cs</c>. Results are raw (-1 and errno);
/// the typed wrappers beside this file (<see cref="Fd"/>, <see cref="Processes"/>, <see cref="FileSystem"/>,
/// <see cref="Spawner"/>...) check them and throw <see cref="SyscallException"/>.
/// </summary>
public static unsafe partial class Sys
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
        O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
        O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    public const int WNOHANG = 1;
    public const short POLLIN = 1, POLLHUP = 0x10, POLLERR = 8;
    public const int F_DUPFD_CLOEXEC = 1030, F_ADD_SEALS = 1033, F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;
    public const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;
    public const int MNT_DETACH = 2;
    private const long SYS_pidfd_send_signal = 424, SYS_pidfd_open = 434;

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/> for a char* argument.</summary>
    internal static byte[] Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    public static int open(string path, int flags, int mode)
    {
        fixed (byte* p = Z(path)) return LibC.open(p, flags, (ushort)mode);
    }

    public static int openat(int dirfd, string path, int flags, uint mode)
    {
        fixed (byte* p = Z(path)) return LibC.openat(dirfd, p, flags, (ushort)mode);
    }

    public static int close(int fd) => LibC.close(fd);
    public static nint read(int fd, byte* buf, nint count) => (nint)(long)LibC.read(fd, buf, (size_t)(ulong)count);
    public static nint write(int fd, byte* buf, nint count) => (nint)(long)LibC.write(fd, buf, (size_t)(ulong)count);
    public static int pipe2(int* fds, int flags) => LibC.pipe2(fds, flags);
    public static int dup2(int oldfd, int newfd) => LibC.dup2(oldfd, newfd);
    public static int fcntl(int fd, int cmd, int arg) => LibC.fcntl(fd, cmd, arg);
    public static int fsync(int fd) => LibC.fsync(fd);
    public static int ioctl(int fd, nuint request, void* arg) => LibC.ioctl(fd, (int)request, arg);
    public static int kill(int pid, int sig) => LibC.kill(pid, sig);
    public static int getpid() => LibC.getpid();
    public static uint umask(uint mask) => (ushort)LibC.umask((ushort)mask);
    public static int unshare(int flags) => LibC.unshare(flags);
    public static int socket(int domain, int type, int protocol) => LibC.socket(domain, type, protocol);
    public static int socketpair(int domain, int type, int protocol, int* fds) => LibC.socketpair(domain, type, protocol, fds);
    public static int connect(int fd, byte* addr, int len) => LibC.connect(fd, (sockaddr*)addr, len);
    public static nint send(int fd, byte* buf, nint len, int flags) => (nint)(long)LibC.send(fd, buf, (size_t)(ulong)len, flags);
    public static nint recv(int fd, byte* buf, nint len, int flags) => (nint)(long)LibC.recv(fd, buf, (size_t)(ulong)len, flags);
    public static nint recvmsg(int fd, byte* msghdr, int flags) => (nint)(long)LibC.recvmsg(fd, (msghdr*)msghdr, flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }

    public static int poll(PollFd* fds, nuint nfds, int timeout) => LibC.poll((pollfd*)fds, (uint)nfds, timeout);

    public static int mkfifo(string path, int mode)
    {
        fixed (byte* p = Z(path)) return LibC.mkfifo(p, (ushort)mode);
    }

    public static int mkdir(string path, uint mode)
    {
        fixed (byte* p = Z(path)) return LibC.mkdir(p, (ushort)mode);
    }

    public static int mkdirat(int dirfd, string path, uint mode)
    {
        fixed (byte* p = Z(path)) return LibC.mkdirat(dirfd, p, (ushort)mode);
    }

    public static int mknodat(int dirfd, string path, uint mode, ulong dev)
    {
        fixed (byte* p = Z(path)) return LibC.mknodat(dirfd, p, (ushort)mode, dev);
    }

    public static int symlinkat(string target, int dirfd, string linkpath)
    {
        fixed (byte* t = Z(target))
        fixed (byte* l = Z(linkpath))
            return LibC.symlinkat(t, dirfd, l);
    }

    public static int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags)
    {
        fixed (byte* o = Z(oldpath))
        fixed (byte* n = Z(newpath))
            return LibC.linkat(olddirfd, o, newdirfd, n, flags);
    }

    public static int unlinkat(int dirfd, string path, int flags)
    {
        fixed (byte* p = Z(path)) return LibC.unlinkat(dirfd, p, flags);
    }

    public static int chown(string path, uint uid, uint gid)
    {
        fixed (byte* p = Z(path)) return LibC.chown(p, uid, gid);
    }

    public static int fchownat(int dirfd, string path, uint uid, uint gid, int flags)
    {
        fixed (byte* p = Z(path)) return LibC.fchownat(dirfd, p, uid, gid, flags);
    }

    public static int fchmodat(int dirfd, string path, uint mode, int flags)
    {
        fixed (byte* p = Z(path)) return LibC.fchmodat(dirfd, p, (ushort)mode, flags);
    }

    /// <summary>times: two { seconds, nanoseconds } pairs (atime, mtime).</summary>
    public static int utimensat(int dirfd, string path, long* times, int flags)
    {
        fixed (byte* p = Z(path)) return LibC.utimensat(dirfd, p, (timespec*)times, flags);
    }

    public static int statx(int dirfd, string path, int flags, uint mask, void* buf)
    {
        fixed (byte* p = Z(path)) return LibC.statx(dirfd, p, flags, mask, (Tmds.Linux.statx*)buf);
    }

    public static nint readlinkat(int dirfd, string path, byte* buf, nint size)
    {
        fixed (byte* p = Z(path)) return (nint)(long)LibC.readlinkat(dirfd, p, buf, (size_t)(ulong)size);
    }

    /// <summary>openat2(2): how is struct open_how { u64 flags, mode, resolve }.</summary>
    public static int openat2(int dirfd, string path, ulong flags, ulong resolve)
    {
        var how = new open_how { flags = flags, resolve = resolve };
        fixed (byte* p = Z(path)) return LibC.openat2(dirfd, p, &how, (size_t)sizeof(open_how));
    }

    public static int mount(string source, string target, string fstype, ulong flags, string? data)
    {
        fixed (byte* s = Z(source))
        fixed (byte* t = Z(target))
        fixed (byte* f = Z(fstype))
        fixed (byte* d = data == null ? null : Z(data))
            return LibC.mount(s, t, f, (ulong_t)flags, d);
    }

    public static int umount2(string target, int flags)
    {
        fixed (byte* t = Z(target)) return LibC.umount2(t, flags);
    }

    /// <summary>A raw system call; unused arguments are passed as 0 (the kernel checks flags it does not expect).</summary>
    public static long syscall(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0) => syscall6(number, a1, a2, a3, a4, 0, 0);

    public static int MemfdCreate(string name, uint flags)
    {
        fixed (byte* p = Z(name)) return LibC.memfd_create(p, flags);
    }

    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid);

    /// <summary>Signals the process a pidfd refers to; immune to pid reuse.</summary>
    public static int PidfdSendSignal(int pidfd, int sig) => (int)syscall(SYS_pidfd_send_signal, pidfd, sig);

    /// <summary>Writes all bytes or throws.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string subject) => Fd.WriteAll(fd, data, subject);

    /// <summary>Connects a unix stream socket to path (the console socket).</summary>
    public static int ConnectUnix(string path)
    {
        var fd = Errno.Check(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket", path);
        var addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = (ushort)AF_UNIX;
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length > 107) { close(fd); throw new ArgumentException($"socket path too long: {path}"); }
        bytes.CopyTo(new Span<byte>(addr + 2, 108));
        if (connect(fd, addr, 2 + bytes.Length + 1) < 0)
        {
            var e = Errno.Last;
            close(fd);
            throw new SyscallException("connect", path, e);
        }
        return fd;
    }
}
