namespace Berth.Runtime.Native;

/// <summary>How a process ended, as waitid or waitpid reported it.</summary>
public readonly record struct ChildExit(int Pid, int? Code, int? Signal)
{
    /// <summary>docker's and the shell's convention: the exit code, or 128 + the signal number.</summary>
    public int ExitCode => Code ?? 128 + (Signal ?? 0);
}

/// <summary>Process-level calls: waiting for children, subreaper, pidfds, signals, the clock.</summary>
public static unsafe class Processes
{
    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int P_ALL = 0, P_PID = 1, WEXITED = 4;
    private const int CLD_EXITED = 1;

    /// <summary>Orphaned descendants (a container init once `runtime create` exits) become our children.</summary>
    public static void BecomeSubreaper() =>
        Errno.Check(Sys.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl", "PR_SET_CHILD_SUBREAPER");

    /// <summary>Blocks until any child exits and reaps it; null when there are no children at all.</summary>
    public static ChildExit? WaitAny()
    {
        var info = stackalloc byte[128];
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (Sys.waitid(P_ALL, 0, info, WEXITED) == 0) return Decode(info, null);
            var e = Errno.Last;
            if (e == Errno.EINTR) continue;
            if (e == Errno.ECHILD) return null;
            throw new SyscallException("waitid", "P_ALL", e);
        }
    }

    /// <summary>Blocks until the child <paramref name="pid"/> exits and reaps it.</summary>
    public static ChildExit Wait(int pid)
    {
        var info = stackalloc byte[128];
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (Sys.waitid(P_PID, pid, info, WEXITED) == 0) return Decode(info, pid);
            var e = Errno.Last;
            if (e != Errno.EINTR) throw new SyscallException("waitid", "pid " + pid, e);
        }
    }

    /// <summary>Reaps <paramref name="pid"/> if it has exited; null while it runs.</summary>
    public static ChildExit? TryWait(int pid)
    {
        int status;
        while (true)
        {
            var rc = Sys.waitpid(pid, &status, Sys.WNOHANG);
            if (rc == pid) return FromStatus(pid, status);
            if (rc == 0) return null;
            var e = Errno.Last;
            if (e != Errno.EINTR) throw new SyscallException("waitpid", "pid " + pid, e);
        }
    }

    // x86-64/aarch64 siginfo_t: si_code at 8, si_pid at 16, si_status at 24.
    private static ChildExit Decode(byte* info, int? pid)
    {
        var code = *(int*)(info + 8);
        var who = pid ?? *(int*)(info + 16);
        var status = *(int*)(info + 24);
        return code == CLD_EXITED ? new ChildExit(who, status, null) : new ChildExit(who, null, status);
    }

    /// <summary>A wait status (waitpid's) as an exit.</summary>
    public static ChildExit FromStatus(int pid, int status) =>
        (status & 0x7f) == 0 ? new ChildExit(pid, (status >> 8) & 0xff, null) : new ChildExit(pid, null, status & 0x7f);

    /// <summary>A pidfd for <paramref name="pid"/>: signals through it can never hit a recycled pid.</summary>
    public static int OpenPidfd(int pid) => Errno.Check(Sys.PidfdOpen(pid), "pidfd_open", "pid " + pid);

    /// <summary>A pidfd for <paramref name="pid"/>, or -1 when the process is gone (ESRCH).</summary>
    public static int TryOpenPidfd(int pid)
    {
        var fd = Sys.PidfdOpen(pid);
        if (fd >= 0) return fd;
        var e = Errno.Last;
        return e == Errno.ESRCH ? -1 : throw new SyscallException("pidfd_open", "pid " + pid, e);
    }

    /// <summary>Sends <paramref name="signal"/> through a pidfd; false when the process is already gone.</summary>
    public static bool Signal(int pidfd, int signal)
    {
        if (Sys.PidfdSendSignal(pidfd, signal) == 0) return true;
        var e = Errno.Last;
        return e == Errno.ESRCH ? false : throw new SyscallException("pidfd_send_signal", "signal " + signal, e);
    }

    /// <summary>This process's pid.</summary>
    public static int Self => Sys.getpid();

    /// <summary>Wall-clock time with nanoseconds (DateTime only keeps 100 ns ticks).</summary>
    public static (long Seconds, long Nanos) RealTime()
    {
        var ts = stackalloc long[2];
        Errno.Check(Sys.clock_gettime(0, ts), "clock_gettime", "CLOCK_REALTIME");
        return (ts[0], ts[1]);
    }
}
