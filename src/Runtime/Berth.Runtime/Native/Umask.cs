using System.Runtime.ExceptionServices;

namespace Berth.Runtime.Native;

/// <summary>
/// The file-creation mask. berthd and the shim run with <see cref="Private"/>, so nothing they create is ever open to
/// other users, not even for a moment; what must be wider (logs, a container's /etc files, its root) gets its mode
/// explicitly. OCI runtimes are started with <see cref="Container"/>, the mask they get under dockerd, so containers,
/// their mount points and their exec'd processes see no difference.
/// </summary>
public static class Umask
{
    /// <summary>0077: owner only.</summary>
    public const uint Private = 0x3F;

    /// <summary>0022: dockerd sets it at start, so runc, containerd and every container inherit it.</summary>
    public const uint Container = 0x12;

    private const int CLONE_FS = 0x200;

    /// <summary>Sets the mask of the whole process (all threads share it); returns the previous one.</summary>
    public static uint Set(uint mask) => Sys.umask(mask);

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own that has left the process's shared filesystem context
    /// (unshare(CLONE_FS)) and set <paramref name="mask"/>: the rest of the process keeps its mask, and a child spawned
    /// on that thread (posix_spawn, fork) inherits this one.
    /// </summary>
    public static T OnOwnThread<T>(uint mask, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Sys.unshare(CLONE_FS) != 0) throw new SyscallException("unshare", "CLONE_FS", Errno.Last);
                Sys.umask(mask);
                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "umask " + Convert.ToString(mask, 8) };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
