using Berth.Runtime.Cgroups;
using Berth.Runtime.Mounts;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Plan;

/// <summary>What the plan builder needs to know besides config.json.</summary>
public sealed record PlanContext(
    string Bundle,
    FdLayout Fds,
    bool HasConsoleSocket,
    bool WaitForStart,
    CgroupLayout Cgroups,
    string CgroupPath,
    byte[]? SeccompBpf,
    uint SeccompFlags = 0);

/// <summary>
/// Interprets config.json into the ordered operations the C init executes. All OCI policy
/// (order of mounts, default devices, which caps, where seccomp goes) lives here.
/// </summary>
public static class PlanBuilder
{
    private const uint RecSlave = MountOptions.MsSlave | MountOptions.MsRec;

    private static readonly (string Path, uint Major, uint Minor)[] DefaultDevices =
    [
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7), ("/dev/random", 1, 8),
        ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    ];

    /// <summary>The plan for a new container (create/run).</summary>
    public static PlanWriter ForContainer(Spec spec, PlanContext ctx)
    {
        var linux = spec.Linux ?? new Linux();
        var process = spec.Process!;
        var rootfs = Path.GetFullPath(spec.Root!.Path!, ctx.Bundle);
        var w = new PlanWriter();

        // Stage 0: rlimits and oom score (inherited by the clone), then join namespaces given by path.
        StageZeroProcess(w, process);
        uint flags = 0;
        foreach (var (type, flag, _) in NamespaceKinds.All)
        {
            var ns = linux.Namespaces?.FirstOrDefault(n => n.Type == type);
            if (ns == null) continue;
            if (string.IsNullOrEmpty(ns.Path)) flags |= flag;
            else w.Op(PlanOp.SetNs, o => o.U32(flag).Str(ns.Path));
        }
        w.Op(PlanOp.Clone, o => o.U32(flags).Str(IdMap(linux.UidMappings)).Str(IdMap(linux.GidMappings)));

        var newMountNs = (flags & NamespaceKinds.CloneNewNs) != 0;
        var hostUid = HostId(linux.UidMappings, 0);
        var hostGid = HostId(linux.GidMappings, 0);
        _ = hostUid; _ = hostGid;

        if (newMountNs)
        {
            var prop = linux.RootfsPropagation is { Length: > 0 } p ? MountOptions.PropagationFlag(p)!.Value : RecSlave;
            // Never let our mounts reach the host: slave everything first, then apply the
            // requested root propagation.
            w.Op(PlanOp.Propagation, o => o.U32(RecSlave));
            if (prop != RecSlave && (prop & (MountOptions.MsShared)) == 0)
                w.Op(PlanOp.Propagation, o => o.U32(prop | MountOptions.MsRec));
            w.Op(PlanOp.Rootfs, o => o.Str(rootfs));
            AddMounts(w, spec, ctx, flags);
            var devIsBound = spec.Mounts?.Any(m => Clean(m.Destination) == "/dev" && MountOptions.Parse(m.Options, m.Type).IsBind) ?? false;
            if (!devIsBound) AddDevices(w, spec, linux);
            w.Op(PlanOp.Mkdir, o => o.Str(process.Cwd!).U32(0x1ed /* 0755 */));
        }

        var hooks = spec.Hooks;
        var needsHookPause = hooks?.Prestart is { Count: > 0 } || hooks?.CreateRuntime is { Count: > 0 } ||
                             hooks?.CreateContainer is { Count: > 0 } || hooks?.StartContainer is { Count: > 0 };
        if (needsHookPause) w.Op(PlanOp.SyncHooks);
        foreach (var h in hooks?.CreateContainer ?? []) AddHook(w, h);

        if (newMountNs)
        {
            w.Op(PlanOp.Pivot);
            // A shared root is made shared only now: its peer group then starts inside the container.
            if (linux.RootfsPropagation is { Length: > 0 } sp && (MountOptions.PropagationFlag(sp)!.Value & MountOptions.MsShared) != 0)
                w.Op(PlanOp.Propagation, o => o.U32(MountOptions.PropagationFlag(sp)!.Value));
            foreach (var (k, v) in linux.Sysctl ?? []) w.Op(PlanOp.Sysctl, o => o.Str(k).Str(v));
        }
        else
        {
            foreach (var (k, v) in linux.Sysctl ?? []) w.Op(PlanOp.Sysctl, o => o.Str(k).Str(v));
        }
        if (!string.IsNullOrEmpty(spec.Hostname)) w.Op(PlanOp.Hostname, o => o.Str(spec.Hostname));
        if (!string.IsNullOrEmpty(spec.Domainname)) w.Op(PlanOp.Domainname, o => o.Str(spec.Domainname));
        if (newMountNs)
        {
            if (spec.Root.Readonly) w.Op(PlanOp.RootReadonly);
            foreach (var path in linux.ReadonlyPaths ?? []) w.Op(PlanOp.Readonly, o => o.Str(path));
            foreach (var path in linux.MaskedPaths ?? []) w.Op(PlanOp.Mask, o => o.Str(path));
        }
        ProcessTail(w, process, ctx, hooks?.StartContainer);
        return w;
    }

    /// <summary>The plan for `exec`: join every namespace of the running container, then become the process.</summary>
    public static PlanWriter ForExec(Process process, int containerPid, IEnumerable<string> namespaceTypes, PlanContext ctx)
    {
        var w = new PlanWriter();
        StageZeroProcess(w, process);
        foreach (var (type, flag, procName) in NamespaceKinds.All)
            if (namespaceTypes.Contains(type))
                w.Op(PlanOp.SetNs, o => o.U32(flag).Str($"/proc/{containerPid}/ns/{procName}"));
        w.Op(PlanOp.Clone, o => o.U32(0).Str("").Str(""));
        ProcessTail(w, process, ctx, null);
        return w;
    }

    /// <summary>
    /// Rlimits and the OOM score, set while stage 0 is still in the host's namespaces (as runc's nsexec does): once it
    /// has joined a container's mount namespace, /proc is the container's, where stage 0 (not yet in the container's
    /// pid namespace) has no /proc/self; and once it has joined a user namespace, it may no longer raise a hard limit
    /// or lower the score.
    /// </summary>
    private static void StageZeroProcess(PlanWriter w, Process process)
    {
        foreach (var r in process.Rlimits ?? [])
            w.Op(PlanOp.Rlimit, o => o.U32((uint)RlimitNames.Resource(r.Type!)).U64(r.Soft).U64(r.Hard));
        if (process.OomScoreAdj is { } adj) w.Op(PlanOp.OomScoreAdj, o => o.Str(adj.ToString()));
    }

    private static void ProcessTail(PlanWriter w, Process process, PlanContext ctx, List<Hook>? startHooks)
    {
        w.Op(PlanOp.Setsid);
        if (process.Terminal)
        {
            if (!ctx.HasConsoleSocket) throw new ConfigException("process.terminal", "is true but no --console-socket was given");
            w.Op(PlanOp.Console, o => o.U32((uint)ctx.Fds.ConsoleSocket).U32(process.ConsoleSize?.Height ?? 0)
                .U32(process.ConsoleSize?.Width ?? 0).U32(process.User.Uid).U32(process.User.Gid));
        }
        w.Op(PlanOp.Umask, o => o.U32(process.User.Umask ?? 0x12 /* 0022 */));
        var seccompEarly = ctx.SeccompBpf != null && !process.NoNewPrivileges;
        if (seccompEarly) AddSeccomp(w, ctx);
        if (process.NoNewPrivileges) w.Op(PlanOp.NoNewPrivs);
        AddCreds(w, process);
        w.Op(PlanOp.Cwd, o => o.Str(process.Cwd!));
        w.Op(PlanOp.PrepareExec, o => o.Strs(process.Args!).Strs(process.Env ?? []));
        w.Op(PlanOp.Ready, o => o.U32(ctx.WaitForStart ? (uint)ctx.Fds.ExecFifo : uint.MaxValue));
        foreach (var h in startHooks ?? []) AddHook(w, h);
        // With no_new_privs the filter goes as close to execve as possible, so profiles need
        // not allow the runtime's own syscalls.
        if (ctx.SeccompBpf != null && !seccompEarly) AddSeccomp(w, ctx);
        w.Op(PlanOp.Exec);
    }

    private static void AddSeccomp(PlanWriter w, PlanContext ctx) =>
        w.Op(PlanOp.Seccomp, o => o.U32(ctx.SeccompFlags).Bytes(ctx.SeccompBpf));

    private static void AddCreds(PlanWriter w, Process process)
    {
        var caps = process.Capabilities ?? new Capabilities();
        var last = CapabilityNames.LastCap();
        ulong Mask(List<string>? names)
        {
            ulong m = 0;
            foreach (var n in names ?? [])
            {
                var bit = CapabilityNames.Bit(n);
                if (bit >= 0 && bit <= last) m |= 1UL << bit;
            }
            return m;
        }
        var gids = process.User.AdditionalGids ?? [];
        w.Op(PlanOp.Creds, o =>
        {
            o.U32(process.User.Uid).U32(process.User.Gid).U32((uint)gids.Count);
            foreach (var g in gids) o.U32(g);
            o.U32((uint)last).U64(Mask(caps.Bounding)).U64(Mask(caps.Effective)).U64(Mask(caps.Permitted))
                .U64(Mask(caps.Inheritable)).U64(Mask(caps.Ambient));
        });
    }

    private static void AddHook(PlanWriter w, Hook h) =>
        w.Op(PlanOp.Hook, o => o.Str(h.Path!).Strs(h.Args ?? []).Strs(h.Env ?? []).U32((uint)(h.Timeout ?? 0)));

    private static void AddMounts(PlanWriter w, Spec spec, PlanContext ctx, uint cloneFlags)
    {
        foreach (var m in spec.Mounts ?? [])
        {
            var dst = Clean(m.Destination);
            var opts = MountOptions.Parse(m.Options, m.Type);
            if (m.Type == "cgroup" || m.Type == "cgroup2")
            {
                AddCgroupMount(w, dst, opts, ctx, (cloneFlags & NamespaceKinds.CloneNewCgroup) != 0);
                continue;
            }
            var src = opts.IsBind ? Path.GetFullPath(m.Source!, ctx.Bundle) : m.Source ?? m.Type ?? "none";
            var type = opts.IsBind ? "" : m.Type ?? "";
            w.Op(PlanOp.Mount, o => o.Str(src).Str(dst).Str(type).U32(opts.Flags).U32(opts.Propagation).Str(opts.Data));
        }
    }

    // cgroup v1: a tmpfs with one mount per hierarchy (runc's layout); cgroup v2: one cgroup2 mount.
    private static void AddCgroupMount(PlanWriter w, string dst, MountOptions opts, PlanContext ctx, bool cgroupNs)
    {
        var flags = opts.Flags & ~MountOptions.MsBind & ~MountOptions.MsRec;
        if (!ctx.Cgroups.IsV1)
        {
            if (cgroupNs)
                w.Op(PlanOp.Mount, o => o.Str("cgroup2").Str(dst).Str("cgroup2").U32(flags).U32(0).Str(""));
            else
                w.Op(PlanOp.Mount, o => o.Str(Path.Combine(ctx.Cgroups.V2Mount!, ctx.CgroupPath.TrimStart('/'))).Str(dst).Str("")
                    .U32(flags | MountOptions.MsBind).U32(0).Str(""));
            return;
        }
        w.Op(PlanOp.Mount, o => o.Str("tmpfs").Str(dst).Str("tmpfs")
            .U32(MountOptions.MsNosuid | MountOptions.MsNodev | MountOptions.MsNoexec).U32(0).Str("mode=755"));
        foreach (var group in ctx.Cgroups.V1Mounts.GroupBy(kv => kv.Value))
        {
            var hostMount = group.Key;
            var name = Path.GetFileName(hostMount);
            var sub = $"{dst}/{name}";
            if (cgroupNs)
            {
                var data = string.Join(',', group.Select(g => g.Key));
                w.Op(PlanOp.Mount, o => o.Str("cgroup").Str(sub).Str("cgroup").U32(flags).U32(0).Str(data));
            }
            else
            {
                var src = Path.Combine(hostMount, ctx.CgroupPath.TrimStart('/'));
                w.Op(PlanOp.Mount, o => o.Str(src).Str(sub).Str("").U32(flags | MountOptions.MsBind).U32(0).Str(""));
            }
        }
        // Like runc, the tmpfs holding the hierarchies stays writable; each hierarchy carries the flags.
    }

    private static void AddDevices(PlanWriter w, Spec spec, Linux linux)
    {
        var configured = linux.Devices ?? [];
        foreach (var (path, major, minor) in DefaultDevices)
            if (configured.All(d => d.Path != path))
                w.Op(PlanOp.Mknod, o => o.Str(path).U32(0x2000 | 0x1b6 /* 0666 */).U32(major).U32(minor).U32(0).U32(0));
        foreach (var d in configured)
        {
            uint type = d.Type switch { "b" => 0x6000, "p" => 0x1000, _ => 0x2000 };
            w.Op(PlanOp.Mknod, o => o.Str(d.Path!).U32(type | ((d.FileMode ?? 0x1b6 /* 0666 */) & 0xfff)).U32((uint)d.Major).U32((uint)d.Minor)
                .U32(d.Uid ?? 0).U32(d.Gid ?? 0));
        }
        w.Op(PlanOp.Symlink, o => o.Str("/proc/self/fd").Str("/dev/fd"));
        w.Op(PlanOp.Symlink, o => o.Str("/proc/self/fd/0").Str("/dev/stdin"));
        w.Op(PlanOp.Symlink, o => o.Str("/proc/self/fd/1").Str("/dev/stdout"));
        w.Op(PlanOp.Symlink, o => o.Str("/proc/self/fd/2").Str("/dev/stderr"));
        if (File.Exists("/proc/kcore")) w.Op(PlanOp.Symlink, o => o.Str("/proc/kcore").Str("/dev/core"));
        if (spec.Mounts?.Any(m => Clean(m.Destination) == "/dev/pts" && m.Type == "devpts") ?? false)
            w.Op(PlanOp.Symlink, o => o.Str("pts/ptmx").Str("/dev/ptmx"));
    }

    private static string Clean(string? p) => "/" + (p ?? "").Trim('/');

    private static string IdMap(List<IdMapping>? maps) =>
        string.Concat((maps ?? []).Select(m => $"{m.ContainerId} {m.HostId} {m.Size}\n"));

    /// <summary>The host id that a container id maps to (the id itself without a user namespace).</summary>
    public static uint HostId(List<IdMapping>? maps, uint id)
    {
        foreach (var m in maps ?? [])
            if (id >= m.ContainerId && id < m.ContainerId + m.Size) return m.HostId + (id - m.ContainerId);
        return id;
    }
}
