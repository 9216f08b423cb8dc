using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>A failed system call, naming the call, its subject and errno.</summary>
public sealed class SyscallException(string call, string subject, int errno)
    : Exception($"{call}({subject}): {Native.Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
{
    public string Call { get; } = call;
    public int ErrorNumber { get; } = errno;
}

/// <summary>Symbolic errno names for messages.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EAGAIN = 11, EEXIST = 17, EBUSY = 16,
        EINVAL = 22, ECHILD = 10, ENOTDIR = 20, EISDIR = 21;

    public static string Name(int e) => e switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EAGAIN => "EAGAIN",
        EEXIST => "EEXIST", EBUSY => "EBUSY", EINVAL => "EINVAL", ECHILD => "ECHILD", ENOTDIR => "ENOTDIR",
        EISDIR => "EISDIR", 13 => "EACCES", 9 => "EBADF", 6 => "ENXIO", 28 => "ENOSPC", 30 => "EROFS",
        _ => "errno " + e,
    };

    /// <summary>Throws a SyscallException for a negative result, returns it otherwise.</summary>
    public static int Check(int rc, string call, string subject) =>
        rc < 0 ? throw new SyscallException(call, subject, Marshal.GetLastPInvokeError()) : rc;

    public static long Check(long rc, string call, string subject) =>
        rc < 0 ? throw new SyscallException(call, subject, Marshal.GetLastPInvokeError()) : rc;
}
