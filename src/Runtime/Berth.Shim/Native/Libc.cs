using System.Runtime.InteropServices;

namespace Berth.Shim.Native;

/// <summary>The raw libc entry points the shim needs; callers check results through <see cref="Errno"/>.</summary>
internal static unsafe partial class Libc
{
    private const string C = "libc";

    public const int EINTR = 4, EAGAIN = 11, ECHILD = 10, EIO = 5, ESRCH = 3;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400, O_CLOEXEC = 0x80000;

    [LibraryImport(C, SetLastError = true)] public static partial int read(int fd, byte* buf, nint count);
    [LibraryImport(C, SetLastError = true)] public static partial nint write(int fd, byte* buf, nint count);
    [LibraryImport(C, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(C, SetLastError = true)] public static partial int pipe2(int* fds, int flags);
    [LibraryImport(C, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);
    [LibraryImport(C, SetLastError = true)] public static partial int dup2(int oldfd, int newfd);
    [LibraryImport(C, SetLastError = true)] public static partial int ioctl(int fd, nuint request, void* arg);
    [LibraryImport(C, SetLastError = true)] public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    [LibraryImport(C, SetLastError = true)] public static partial int waitid(int idtype, int id, byte* siginfo, int options);
    [LibraryImport(C, SetLastError = true)] public static partial nint syscall(nint number, nint a1, nint a2, nint a3, nint a4);
    [LibraryImport(C, SetLastError = true)] public static partial int kill(int pid, int sig);
    [LibraryImport(C, SetLastError = true)] public static partial nint recvmsg(int fd, byte* msghdr, int flags);
    [LibraryImport(C, SetLastError = true)] public static partial int clock_gettime(int clock, long* timespec);
    [LibraryImport(C)] public static partial int getpid();

    // posix_spawn family. Their return value is the error number itself (no errno).
    [LibraryImport(C)] public static partial int posix_spawn(int* pid, byte* path, byte* fileActions, byte* attr, byte** argv, byte** envp);
    [LibraryImport(C)] public static partial int posix_spawn_file_actions_init(byte* fa);
    [LibraryImport(C)] public static partial int posix_spawn_file_actions_destroy(byte* fa);
    [LibraryImport(C)] public static partial int posix_spawn_file_actions_adddup2(byte* fa, int fd, int newfd);
    [LibraryImport(C)] public static partial int posix_spawnattr_init(byte* attr);
    [LibraryImport(C)] public static partial int posix_spawnattr_destroy(byte* attr);
    [LibraryImport(C)] public static partial int posix_spawnattr_setflags(byte* attr, short flags);
    [LibraryImport(C)] public static partial int posix_spawnattr_setsigmask(byte* attr, byte* sigset);
    [LibraryImport(C)] public static partial int posix_spawnattr_setsigdefault(byte* attr, byte* sigset);
    [LibraryImport(C)] public static partial int sigemptyset(byte* set);
    [LibraryImport(C)] public static partial int sigfillset(byte* set);
    [LibraryImport(C)] public static partial int sigdelset(byte* set, int signo);
}

/// <summary>Turns a failed libc call into an exception naming the call, its subject and errno.</summary>
internal static class Errno
{
    public static int Last => Marshal.GetLastPInvokeError();

    public static Exception Fail(string call, string subject, int errno) =>
        new IOException($"{call}({subject}): {Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})");

    public static int Check(int result, string call, string subject) =>
        result < 0 ? throw Fail(call, subject, Last) : result;

    public static string Name(int errno) => errno switch
    {
        1 => "EPERM", 2 => "ENOENT", 3 => "ESRCH", 4 => "EINTR", 5 => "EIO", 9 => "EBADF", 10 => "ECHILD",
        11 => "EAGAIN", 12 => "ENOMEM", 13 => "EACCES", 17 => "EEXIST", 20 => "ENOTDIR", 22 => "EINVAL",
        24 => "EMFILE", 25 => "ENOTTY", 32 => "EPIPE", 38 => "ENOSYS", 111 => "ECONNREFUSED",
        _ => "errno " + errno,
    };
}
