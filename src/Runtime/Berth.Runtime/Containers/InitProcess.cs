using System.Runtime.InteropServices;
using System.Text;
using Berth.Runtime.Cgroups;
using Berth.Runtime.Native;
using Berth.Runtime.Plan;

namespace Berth.Runtime.Containers;

/// <summary>
/// Runs one plan through the C init and follows its reports: the container pid, the hooks
/// pause, readiness, or the error that ended it. The container process is our child
/// (CLONE_PARENT), so `run` and `exec` can wait for it.
/// </summary>
public sealed unsafe class InitProcess
{
    /// <summary>Called at the hooks pause with the container pid; returns the state JSON for in-container hooks.</summary>
    public Func<int, string>? OnHooks { get; init; }

    /// <summary>Called once the container pid is known (before the process is released into its setup).</summary>
    public Action<int>? OnPid { get; init; }

    /// <summary>Starts the init with the plan; returns the host pid of the container process once it is ready.</summary>
    public int Run(byte[] plan, FdLayout fds, int? consoleSocket, int? fifoPathFd, ICgroup? cgroup)
    {
        var pair = stackalloc int[2];
        Errno.Check(Sys.socketpair(Sys.AF_UNIX, Sys.SOCK_SEQPACKET | Sys.SOCK_CLOEXEC, 0, pair), "socketpair", "init sync");
        int ours = pair[0], theirs = pair[1];
        var planFd = -1;
        var initFd = -1;
        var initPid = 0;
        var containerPid = 0;
        try
        {
            planFd = Errno.Check(Sys.MemfdCreate("berth-plan", Sys.MFD_CLOEXEC), "memfd_create", "plan");
            Sys.WriteAll(planFd, plan, "plan memfd");
            initFd = InitBinary.SealedCopy(InitBinary.Locate());

            var map = new Dictionary<int, int> { [fds.Sync] = theirs, [fds.Plan] = planFd };
            if (consoleSocket is { } cs) map[fds.ConsoleSocket] = cs;
            if (fifoPathFd is { } ff) map[fds.ExecFifo] = ff;
            initPid = Spawner.Spawn($"/proc/self/fd/{initFd}",
                [InitBinary.FileName, fds.Sync.ToString(), fds.Plan.ToString(), fds.Base.ToString()], [], map);
            RuntimeTrace.Mark("init spawned");
            Sys.close(theirs); theirs = -1;
            Sys.close(planFd); planFd = -1;
            Sys.close(initFd); initFd = -1;

            // The init waits for "G": join the cgroup first, so nothing the container forks escapes it.
            cgroup?.AddProcess(initPid);
            Send(ours, "G"u8);

            var buf = new byte[1 << 16];
            while (true)
            {
                var n = Recv(ours, buf);
                if (n == 0)
                    throw new RuntimeError(initPid != 0 && Reap(ref initPid) is { ExitCode: not 0 } st
                        ? $"container init failed with status {st.ExitCode}"
                        : "container init exited without reporting");
                switch ((char)buf[0])
                {
                    case 'P':
                        containerPid = BitConverter.ToInt32(buf, 1);
                        RuntimeTrace.Mark("container cloned");
                        Reap(ref initPid);
                        OnPid?.Invoke(containerPid);
                        break;
                    case 'H':
                        string state;
                        try { state = OnHooks?.Invoke(containerPid) ?? ""; }
                        catch
                        {
                            Send(ours, "X"u8);
                            throw;
                        }
                        Send(ours, Encoding.UTF8.GetBytes("C" + state));
                        break;
                    case 'R':
                        return containerPid;
                    case 'E':
                        throw new RuntimeError(Encoding.UTF8.GetString(buf, 1, n - 1));
                    default:
                        throw new RuntimeError($"container init sent an unknown message '{(char)buf[0]}'");
                }
            }
        }
        catch
        {
            if (containerPid > 0)
            {
                Sys.kill(containerPid, 9);
                Processes.Wait(containerPid);
            }
            throw;
        }
        finally
        {
            if (initPid > 0) { Sys.kill(initPid, 9); Processes.Wait(initPid); }
            Sys.close(ours);
            if (theirs >= 0) Sys.close(theirs);
            if (planFd >= 0) Sys.close(planFd);
            if (initFd >= 0) Sys.close(initFd);
        }
    }

    /// <summary>Reaps the stage-0 init, which is gone or going.</summary>
    private static ChildExit Reap(ref int pid)
    {
        var exit = Processes.Wait(pid);
        pid = 0;
        return exit;
    }

    private static void Send(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
            if (Sys.send(fd, p, data.Length, 0x4000 /* MSG_NOSIGNAL */) < 0)
                throw new SyscallException("send", "init sync", Marshal.GetLastPInvokeError());
    }

    private static int Recv(int fd, byte[] buf)
    {
        fixed (byte* p = buf)
            while (true)
            {
                var n = Sys.recv(fd, p, buf.Length, 0);
                if (n >= 0) return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR) throw new SyscallException("recv", "init sync", errno);
            }
    }
}
