namespace Berth.Shim.Native;

/// <summary>How a process ended, as waitid reported it.</summary>
internal readonly record struct ChildExit(int Pid, int? Code, int? Signal)
{
    /// <summary>docker's convention: the exit code, or 128 + the signal number.</summary>
    public int ExitCode => Code ?? 128 + (Signal ?? 0);
}

/// <summary>Process-level calls: subreaper, waitid, pidfds, signals.</summary>
internal static unsafe class Processes
{
    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int P_ALL = 0, WEXITED = 4;
    private const int CLD_EXITED = 1;
    private const int SYS_pidfd_send_signal = 424, SYS_pidfd_open = 434;

    /// <summary>Orphaned descendants (the container init once `runtime create` exits) become our children.</summary>
    public static void BecomeSubreaper() =>
        Errno.Check(Libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl", "PR_SET_CHILD_SUBREAPER");

    /// <summary>Blocks until any child exits and reaps it; null when there are no children at all.</summary>
    public static ChildExit? WaitAny()
    {
        var info = stackalloc byte[128];
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (Libc.waitid(P_ALL, 0, info, WEXITED) == 0)
            {
                // x86-64/aarch64 siginfo_t: si_code at 8, si_pid at 16, si_status at 24.
                var code = *(int*)(info + 8);
                var pid = *(int*)(info + 16);
                var status = *(int*)(info + 24);
                return code == CLD_EXITED ? new ChildExit(pid, status, null) : new ChildExit(pid, null, status);
            }
            var e = Errno.Last;
            if (e == Libc.EINTR) continue;
            if (e == Libc.ECHILD) return null;
            throw Errno.Fail("waitid", "P_ALL", e);
        }
    }

    /// <summary>Blocks until the child <paramref name="pid"/> exits and reaps it.</summary>
    public static ChildExit WaitPid(int pid)
    {
        var info = stackalloc byte[128];
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (Libc.waitid(1 /* P_PID */, pid, info, WEXITED) == 0)
            {
                var code = *(int*)(info + 8);
                var status = *(int*)(info + 24);
                return code == CLD_EXITED ? new ChildExit(pid, status, null) : new ChildExit(pid, null, status);
            }
            var e = Errno.Last;
            if (e != Libc.EINTR) throw Errno.Fail("waitid", "pid " + pid, e);
        }
    }

    /// <summary>A pidfd for <paramref name="pid"/>: signals through it can never hit a recycled pid.</summary>
    public static int OpenPidfd(int pid)
    {
        var fd = (int)Libc.syscall(SYS_pidfd_open, pid, 0, 0, 0);
        return fd < 0 ? throw Errno.Fail("pidfd_open", "pid " + pid, Errno.Last) : fd;
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone.</summary>
    public static bool Signal(int pidfd, int signal)
    {
        if (Libc.syscall(SYS_pidfd_send_signal, pidfd, signal, 0, 0) == 0) return true;
        var e = Errno.Last;
        return e == Libc.ESRCH ? false : throw Errno.Fail("pidfd_send_signal", "signal " + signal, e);
    }

    /// <summary>Wall-clock time with nanoseconds (DateTime only keeps 100 ns ticks).</summary>
    public static (long Seconds, long Nanos) RealTime()
    {
        var ts = stackalloc long[2];
        Errno.Check(Libc.clock_gettime(0, ts), "clock_gettime", "CLOCK_REALTIME");
        return (ts[0], ts[1]);
    }
}
