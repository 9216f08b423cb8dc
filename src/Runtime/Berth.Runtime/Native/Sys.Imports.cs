using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>The libc calls Tmds.LibC 0.5.0 does not have: berth's own imports, nowhere else.</summary>
public static unsafe partial class Sys
{
    private const string Libc = "libc";

    // Every argument register set: a call with fewer would let the kernel read garbage as flags (pidfd_send_signal's
    // fourth argument must be 0). Tmds.LibC's syscall passes only three.
    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitid(int idtype, int id, byte* siginfo, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint sendfile(int outFd, int inFd, long* offset, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int clock_gettime(int clock, long* timespec);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint llistxattr(string path, byte* list, nuint size);

    // posix_spawn: the only way to start a program with chosen fds and a clean signal state without forking the
    // managed runtime. These return the error number itself (no errno).
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

    public const short POSIX_SPAWN_SETSIGDEF = 4, POSIX_SPAWN_SETSIGMASK = 8, POSIX_SPAWN_SETSID = 0x80;

    public static int sigfillset(void* set) => Tmds.Linux.LibC.sigfillset((Tmds.Linux.sigset_t*)set);
    public static int sigemptyset(void* set) => Tmds.Linux.LibC.sigemptyset((Tmds.Linux.sigset_t*)set);
    public static int sigdelset(void* set, int signo) => Tmds.Linux.LibC.sigdelset((Tmds.Linux.sigset_t*)set, signo);
}
