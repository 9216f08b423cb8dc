using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>A failed system call, naming the call, its subject (a path, an fd's purpose, a pid) and errno.</summary>
/// <remarks>An IOException, so callers that handle I/O failures handle failed syscalls too.</remarks>
public sealed class SyscallException(string call, string subject, int errno)
    : IOException($"{call}({subject}): {Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
{
    public string Call { get; } = call;
    public string Subject { get; } = subject;
    public int ErrorNumber { get; } = errno;
}

/// <summary>errno values by name, their names for messages, and the checks that turn -1 into a <see cref="SyscallException"/>.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, ECHILD = 10, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
        EMFILE = 24, ENOTTY = 25, ENOSPC = 28, EROFS = 30, EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOPNOTSUPP = 95, ECONNREFUSED = 111;

    /// <summary>errno of the last P/Invoke (every import here sets it).</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    public static string Name(int e) => e switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EIO => "EIO", ENXIO => "ENXIO",
        EBADF => "EBADF", ECHILD => "ECHILD", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", EBUSY => "EBUSY",
        EEXIST => "EEXIST", EXDEV => "EXDEV", ENODEV => "ENODEV", ENOTDIR => "ENOTDIR", EISDIR => "EISDIR", EINVAL => "EINVAL",
        EMFILE => "EMFILE", ENOTTY => "ENOTTY", ENOSPC => "ENOSPC", EROFS => "EROFS", EPIPE => "EPIPE", ERANGE => "ERANGE",
        ENAMETOOLONG => "ENAMETOOLONG", ENOSYS => "ENOSYS", ENOTEMPTY => "ENOTEMPTY", ELOOP => "ELOOP", ENODATA => "ENODATA",
        EOPNOTSUPP => "EOPNOTSUPP", ECONNREFUSED => "ECONNREFUSED",
        _ => "errno " + e,
    };

    /// <summary>The exception for a call that failed with <paramref name="errno"/>.</summary>
    public static SyscallException Fail(string call, string subject, int errno) => new(call, subject, errno);

    /// <summary>Throws a SyscallException for a negative result, returns it otherwise.</summary>
    public static int Check(int rc, string call, string subject) =>
        rc < 0 ? throw new SyscallException(call, subject, Last) : rc;

    public static long Check(long rc, string call, string subject) =>
        rc < 0 ? throw new SyscallException(call, subject, Last) : rc;
}
