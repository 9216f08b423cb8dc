using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Berth.Shim.Native;

/// <summary>
/// The shim's file-creation masks. The shim itself runs with <see cref="Private"/> (0077): its log, exit and state files
/// are never open to other users; the container log gets docker's 0640 explicitly. OCI runtimes are spawned with
/// <see cref="Container"/> (0022), dockerd's, which runc and the container's processes inherit under it.
/// The same mechanism as Berth.Runtime's Umask; the shim is self-contained and references no other project.
/// </summary>
internal static partial class ThreadUmask
{
    public const uint Private = 0x3F, Container = 0x12;
    private const int CLONE_FS = 0x200;

    /// <summary>Sets the whole process's mask.</summary>
    public static void SetForProcess(uint mask) => umask(mask);

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own with <paramref name="mask"/>: unshare(CLONE_FS) gives the thread
    /// a private copy of the umask (shared by all threads otherwise), which a child spawned there inherits.
    /// </summary>
    public static T Run<T>(uint mask, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (unshare(CLONE_FS) != 0) throw Errno.Fail("unshare", "CLONE_FS", Errno.Last);
                umask(mask);
                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    [LibraryImport("libc")]
    private static partial uint umask(uint mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unshare(int flags);
}
