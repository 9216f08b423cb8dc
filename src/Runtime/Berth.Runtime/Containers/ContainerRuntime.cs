using System.Runtime.InteropServices;
using Berth.Runtime.Cgroups;
using Berth.Runtime.Native;
using Berth.Runtime.Oci;
using Berth.Runtime.Plan;
using Berth.Runtime.Seccomp;

namespace Berth.Runtime.Containers;

/// <summary>Options of create/run that do not come from config.json.</summary>
public sealed record CreateOptions(string? ConsoleSocket = null, string? PidFile = null, int PreserveFds = 0);

/// <summary>Options of exec.</summary>
public sealed record ExecOptions(string? ConsoleSocket = null, string? PidFile = null, int PreserveFds = 0, bool Detach = false);

/// <summary>
/// The OCI lifecycle (create, start, state, kill, delete, run, exec, pause, resume) over a
/// state directory. Used by the berth-runtime CLI and, later, by the shim.
/// </summary>
public sealed unsafe class ContainerRuntime(ContainerStore store, Action<string>? debug = null)
{
    private readonly Action<string> _debug = debug ?? (_ => { });
    private static void Trace(string phase) => RuntimeTrace.Mark(phase);
    private CgroupLayout? _layout;
    private CgroupLayout Layout => _layout ??= CgroupLayout.Detect();
    private SeccompCache? _seccomp;
    // ".seccomp" cannot be a container id (ids start with a letter or digit).
    private SeccompCache SeccompPrograms => _seccomp ??= new SeccompCache(Path.Combine(store.CreateRoot(), ".seccomp"), _debug);

    public ContainerStore Store => store;

    /// <summary>Creates the container; its process waits before the user program until Start.</summary>
    public ContainerRecord Create(string id, string bundle, CreateOptions options) => CreateCore(id, bundle, options, waitForStart: true);

    private ContainerRecord CreateCore(string id, string bundle, CreateOptions options, bool waitForStart)
    {
        ContainerStore.CheckId(id);
        Trace("id checked");
        bundle = Path.GetFullPath(bundle);
        if (!Directory.Exists(bundle)) throw new RuntimeError($"bundle {bundle} does not exist");
        var spec = OciJson.LoadSpec(bundle);
        Trace("config parsed");
        foreach (var w in ConfigValidator.Validate(spec, bundle)) _debug("warning: " + w);
        if (spec.Process!.Terminal && options.ConsoleSocket == null)
            throw new ConfigException("process.terminal", "is true but no --console-socket was given");
        if (!spec.Process.Terminal && options.ConsoleSocket != null)
            throw new RuntimeError("--console-socket given but process.terminal is false");
        AddDefaultHome(spec, Path.GetFullPath(spec.Root!.Path!, bundle));
        Trace("config read and validated");
        var seccomp = spec.Linux?.Seccomp is { } sc ? SeccompPrograms.Compile(sc) : null;
        Trace("seccomp program ready");
        var devices = DeviceRules.For(spec);

        store.Reserve(id);
        var record = new ContainerRecord
        {
            Id = id, Bundle = bundle, Rootfs = Path.GetFullPath(spec.Root!.Path!, bundle), Created = DateTime.UtcNow,
            CgroupPath = CgroupPathFor(id, spec), Spec = spec,
            Owner = Environment.UserName,
        };
        ICgroup? cgroup = null;
        var fifoFd = -1;
        var consoleFd = -1;
        try
        {
            store.Save(record);
            cgroup = Layout.Open(record.CgroupPath);
            cgroup.Create(spec.Linux?.Resources);
            cgroup.SetDevices(devices);
            Trace("cgroup created");
            if (waitForStart)
            {
                var fifo = store.FifoPath(id);
                Errno.Check(Sys.mkfifo(fifo, Convert.ToInt32("622", 8)), "mkfifo", fifo);
                // The umask took the group/other write bits; a container root in a user namespace
                // is "other" to the host-owned fifo and must be able to open it for writing.
                File.SetUnixFileMode(fifo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
                fifoFd = Errno.Check(Sys.open(fifo, Sys.O_PATH | Sys.O_CLOEXEC, 0), "open", fifo);
            }
            if (options.ConsoleSocket != null) consoleFd = Sys.ConnectUnix(options.ConsoleSocket);

            var fds = new FdLayout(options.PreserveFds);
            var ctx = new PlanContext(bundle, fds, consoleFd >= 0, waitForStart, Layout, record.CgroupPath, seccomp, SeccompFlags(spec));
            var plan = PlanBuilder.ForContainer(spec, ctx);
            _debug("plan: " + string.Join(' ', plan.Ops));
            Trace("plan built");
            var init = new InitProcess
            {
                OnPid = pid =>
                {
                    record.Started = !waitForStart; // run: there is no created phase to wait in
                    record.Pid = pid;
                    record.PidStartTime = ProcStat.Read(pid)?.StartTime ?? 0;
                    store.Save(record);
                },
                OnHooks = pid =>
                {
                    var creating = StateOf(record, Status.Creating);
                    var json = OciJson.Serialize(creating);
                    HookRunner.RunAll("prestart", spec.Hooks?.Prestart, json);
                    HookRunner.RunAll("createRuntime", spec.Hooks?.CreateRuntime, json);
                    return json;
                },
            };
            init.Run(plan.ToArray(), fds, consoleFd >= 0 ? consoleFd : null, fifoFd >= 0 ? fifoFd : null, cgroup);
            Trace("container ready");
            if (options.PidFile != null) WritePidFile(options.PidFile, record.Pid);
            return record;
        }
        catch
        {
            // Leave nothing behind: the init already killed and reaped the container process.
            try { cgroup?.Destroy(); } catch (IOException e) { _debug("cleanup: " + e.Message); }
            store.Remove(id);
            throw;
        }
        finally
        {
            if (fifoFd >= 0) Sys.close(fifoFd);
            if (consoleFd >= 0) Sys.close(consoleFd);
        }
    }

    /// <summary>Releases a created container into its user program.</summary>
    public void Start(string id)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        if (status != Status.Created) throw new RuntimeError($"cannot start container \"{id}\": it is {status}, not created");
        if (r.Spec.Process == null) throw new ConfigException("process", "is required to start a container");
        var fifo = store.FifoPath(id);
        // The pidfd comes first: once the fifo is open the process may exec, exit and be reaped by its parent at once
        // (`true`), and a pid opened after that is gone (ESRCH) although the start succeeded.
        var pidfd = Sys.PidfdOpen(r.Pid);
        if (pidfd < 0 && Marshal.GetLastPInvokeError() == Errno.ESRCH)
            throw new RuntimeError($"cannot start container \"{id}\": its process exited before start");
        Errno.Check(pidfd, "pidfd_open", r.Pid.ToString());
        var fd = Sys.open(fifo, Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Sys.close(pidfd);
            throw new SyscallException("open", fifo, errno);
        }
        try
        {
            var fds = stackalloc Sys.PollFd[2];
            fds[0] = new Sys.PollFd { Fd = fd, Events = Sys.POLLIN };
            fds[1] = new Sys.PollFd { Fd = pidfd, Events = Sys.POLLIN };
            var released = false;
            while (true)
            {
                var rc = Sys.poll(fds, 2, -1);
                if (rc < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR) continue;
                Errno.Check(rc, "poll", fifo);
                if ((fds[0].Revents & (Sys.POLLIN | Sys.POLLHUP)) != 0)
                {
                    // One byte: released; then EOF once execve closed the write end.
                    byte b;
                    var n = Sys.read(fd, &b, 1);
                    if (n == 1) { released = true; continue; }
                    if (n == 0 && released) break;
                    if (n == 0) throw new RuntimeError($"cannot start container \"{id}\": its process exited before exec (a startContainer hook or the exec failed)");
                    if (n < 0 && Marshal.GetLastPInvokeError() == Errno.EAGAIN) continue;
                }
                if (fds[1].Revents != 0)
                {
                    if (released) break; // exec'd and already exited
                    throw new RuntimeError($"cannot start container \"{id}\": its process exited before start");
                }
            }
        }
        finally
        {
            Sys.close(fd);
            Sys.close(pidfd);
        }
        try
        {
            File.Delete(fifo);
            r.Started = true;
            store.Save(r);
        }
        catch (DirectoryNotFoundException) when (!Directory.Exists(store.Dir(id)))
        {
            // It exec'd, exited and was deleted meanwhile (a shim runs `delete` as soon as a fast container's init
            // exits): the start happened, so it is not an error.
            return;
        }
        foreach (var w in HookRunner.RunAllWarn("poststart", r.Spec.Hooks?.Poststart, OciJson.Serialize(StateOf(r, Status.Running))))
            _debug("warning: " + w);
    }

    /// <summary>Creates, starts and waits: returns the container's exit code (128+signal when killed).</summary>
    public int Run(string id, string bundle, CreateOptions options, bool detach)
    {
        var r = CreateCore(id, bundle, options, waitForStart: false);
        foreach (var w in HookRunner.RunAllWarn("poststart", r.Spec.Hooks?.Poststart, OciJson.Serialize(StateOf(r, Status.Running))))
            _debug("warning: " + w);
        if (detach) return 0;
        var exit = WaitForwardingSignals(r.Pid);
        Trace("container exited");
        Delete(id, force: true);
        Trace("deleted");
        return exit.ExitCode;
    }

    /// <summary>Waits for our child, passing termination signals on to it as runc does.</summary>
    private static ChildExit WaitForwardingSignals(int pid)
    {
        var regs = new List<PosixSignalRegistration>();
        foreach (var (sig, num) in new[] { (PosixSignal.SIGTERM, 15), (PosixSignal.SIGINT, 2), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
            regs.Add(PosixSignalRegistration.Create(sig, c => { c.Cancel = true; Sys.kill(pid, num); }));
        try { return Native.Processes.Wait(pid); }
        finally { foreach (var r in regs) r.Dispose(); }
    }

    /// <summary>The OCI state of a container.</summary>
    public State State(string id)
    {
        var r = store.Load(id);
        return StateOf(r, StatusOf(r));
    }

    public IEnumerable<State> List()
    {
        foreach (var id in store.Ids())
        {
            ContainerRecord r;
            try { r = store.Load(id); }
            catch (Exception e) when (e is RuntimeError or IOException or System.Text.Json.JsonException) { continue; }
            yield return StateOf(r, StatusOf(r));
        }
    }

    public void Kill(string id, int signal, bool all)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        if (status is not (Status.Created or Status.Running or Status.Paused))
            throw new RuntimeError($"cannot kill container \"{id}\": it is {status}");
        if (all) { Layout.Open(r.CgroupPath).KillAll(signal); return; }
        var pidfd = Errno.Check(Sys.PidfdOpen(r.Pid), "pidfd_open", r.Pid.ToString());
        try
        {
            // The pidfd pins the process we checked, so a recycled pid can never be signalled.
            if (!ProcStat.IsAlive(r.Pid, r.PidStartTime)) throw new RuntimeError($"cannot kill container \"{id}\": it is stopped");
            Errno.Check(Sys.PidfdSendSignal(pidfd, signal), "pidfd_send_signal", r.Pid.ToString());
        }
        finally { Sys.close(pidfd); }
    }

    public void Delete(string id, bool force)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        var cgroup = Layout.Open(r.CgroupPath);
        if (status != Status.Stopped)
        {
            if (!force) throw new RuntimeError($"cannot delete container \"{id}\": it is {status}, not stopped (use --force)");
            if (status == Status.Paused) cgroup.Thaw();
            cgroup.KillAll(9);
            if (ProcStat.IsAlive(r.Pid, r.PidStartTime)) Sys.kill(r.Pid, 9);
            WaitGone(r);
        }
        // Stray processes (exec'd or forked ones whose init died) must not keep the cgroup busy.
        if (cgroup.Exists() && cgroup.Processes().Count > 0)
        {
            cgroup.KillAll(9);
            for (var i = 0; i < 500 && cgroup.Processes().Count > 0; i++) Thread.Sleep(2);
        }
        cgroup.Destroy();
        store.Remove(id);
        foreach (var w in HookRunner.RunAllWarn("poststop", r.Spec.Hooks?.Poststop, OciJson.Serialize(StateOf(r, Status.Stopped))))
            _debug("warning: " + w);
    }

    private static void WaitGone(ContainerRecord r)
    {
        for (var i = 0; i < 2000 && ProcStat.IsAlive(r.Pid, r.PidStartTime); i++) Thread.Sleep(1);
    }

    public void Pause(string id)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        if (status != Status.Running) throw new RuntimeError($"cannot pause container \"{id}\": it is {status}, not running");
        Layout.Open(r.CgroupPath).Freeze();
    }

    public void Resume(string id)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        if (status != Status.Paused) throw new RuntimeError($"cannot resume container \"{id}\": it is {status}, not paused");
        Layout.Open(r.CgroupPath).Thaw();
    }

    /// <summary>Pids of every process in the container's cgroup.</summary>
    public IReadOnlyList<int> Processes(string id)
    {
        var r = store.Load(id);
        return Layout.Open(r.CgroupPath).Processes();
    }

    /// <summary>Runs an extra process inside a running container; returns its exit code (0 when detached).</summary>
    public int Exec(string id, Process process, ExecOptions options)
    {
        var r = store.Load(id);
        var status = StatusOf(r);
        if (status != Status.Running) throw new RuntimeError($"cannot exec in container \"{id}\": it is {status}, not running");
        var warnings = new List<string>();
        ConfigValidator.ValidateProcess(process, "process", warnings);
        foreach (var w in warnings) _debug("warning: " + w);
        if (process.Terminal && options.ConsoleSocket == null)
            throw new ConfigException("process.terminal", "is true but no --console-socket was given");
        // Like runc, an exec gets the container's OOM score unless its own process names one.
        process.OomScoreAdj ??= r.Spec.Process?.OomScoreAdj;
        var seccomp = r.Spec.Linux?.Seccomp is { } sc ? SeccompPrograms.Compile(sc) : null;
        var consoleFd = options.ConsoleSocket != null ? Sys.ConnectUnix(options.ConsoleSocket) : -1;
        try
        {
            var fds = new FdLayout(options.PreserveFds);
            var ctx = new PlanContext(r.Bundle, fds, consoleFd >= 0, false, Layout, r.CgroupPath, seccomp, SeccompFlags(r.Spec));
            var types = (r.Spec.Linux?.Namespaces ?? []).Select(n => n.Type!).Where(t => t != "time");
            var plan = PlanBuilder.ForExec(process, r.Pid, types, ctx);
            var pid = new InitProcess().Run(plan.ToArray(), fds, consoleFd >= 0 ? consoleFd : null, null, Layout.Open(r.CgroupPath));
            if (options.PidFile != null) WritePidFile(options.PidFile, pid);
            return options.Detach ? 0 : WaitForwardingSignals(pid).ExitCode;
        }
        finally
        {
            if (consoleFd >= 0) Sys.close(consoleFd);
        }
    }

    /// <summary>created / running / paused / stopped, from the process, the fifo and the freezer.</summary>
    public string StatusOf(ContainerRecord r)
    {
        if (r.Pid == 0) return Status.Creating;
        if (!ProcStat.IsAlive(r.Pid, r.PidStartTime)) return Status.Stopped;
        if (!r.Started && File.Exists(store.FifoPath(r.Id))) return Status.Created;
        try { if (Layout.Open(r.CgroupPath).IsFrozen()) return Status.Paused; }
        catch (IOException) { }
        return Status.Running;
    }

    private static State StateOf(ContainerRecord r, string status) => new()
    {
        Id = r.Id, Status = status, Pid = status == Status.Stopped ? 0 : r.Pid, Bundle = r.Bundle,
        Annotations = r.Spec.Annotations,
    };

    private static uint SeccompFlags(Spec spec) => spec.Linux?.Seccomp is { } sc ? SeccompProfile.KernelFlags(sc) : 0;

    private static string CgroupPathFor(string id, Spec spec)
    {
        var p = spec.Linux?.CgroupsPath;
        if (string.IsNullOrEmpty(p)) return "/berth-runtime/" + id;
        if (p.Contains("..")) throw new ConfigException("linux.cgroupsPath", $"\"{p}\" must not contain \"..\"");
        if (p.Contains(':')) throw new ConfigException("linux.cgroupsPath", $"\"{p}\" is a systemd slice path; only cgroupfs paths are supported");
        return "/" + p.Trim('/');
    }

    private static void WritePidFile(string path, int pid)
    {
        path = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");
        File.WriteAllText(tmp, pid.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    // runc's rule: without HOME in the env, use the user's home from the rootfs's /etc/passwd, else "/".
    private static void AddDefaultHome(Spec spec, string rootfs)
    {
        var p = spec.Process!;
        p.Env ??= [];
        if (p.Env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal))) return;
        var home = "/";
        var passwd = Path.Combine(rootfs, "etc/passwd");
        var info = new FileInfo(passwd);
        if (info.Exists && info.LinkTarget == null)
            foreach (var line in File.ReadLines(passwd))
            {
                var f = line.Split(':');
                if (f.Length >= 6 && uint.TryParse(f[2], out var uid) && uid == p.User.Uid) { home = f[5]; break; }
            }
        p.Env.Add("HOME=" + home);
    }
}
