using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>A cgroup in the v1 layout: one directory per mounted hierarchy.</summary>
public sealed class CgroupV1(CgroupLayout layout, string path) : ICgroup
{
    public string Path { get; } = "/" + path.Trim('/');

    // In the hybrid layout the process also joins the unified hierarchy (membership only, no
    // controllers there are used), as runc does, so /proc/self/cgroup names the container's path.
    private IEnumerable<string> Dirs => layout.V1Hierarchies.Concat(layout.V2Mount is { } v2 ? [v2] : []).Select(Dir);
    private string Dir(string mount) => System.IO.Path.Combine(mount, Path.TrimStart('/'));
    private string? Controller(string name) => layout.V1Mounts.TryGetValue(name, out var m) ? Dir(m) : null;

    public void Create(Resources? r)
    {
        foreach (var dir in Dirs) Directory.CreateDirectory(dir);
        // A fresh cpuset is empty and refuses tasks: inherit cpus and mems down the path.
        if (Controller("cpuset") is { } cpuset) InheritCpuset(layout.V1Mounts["cpuset"], cpuset);
        if (r == null) return;

        if (r.Memory is { } m)
        {
            var mem = Need("memory", "linux.resources.memory");
            if (m.Limit is { } limit) CgroupFiles.Write(mem, "memory.limit_in_bytes", limit.ToString());
            if (m.Reservation is { } res) CgroupFiles.Write(mem, "memory.soft_limit_in_bytes", res.ToString());
            if (m.Swap is { } swap)
            {
                if (!File.Exists(System.IO.Path.Combine(mem, "memory.memsw.limit_in_bytes")))
                    throw new ConfigException("linux.resources.memory.swap", "swap accounting is not enabled on this host");
                CgroupFiles.Write(mem, "memory.memsw.limit_in_bytes", swap.ToString());
            }
            if (m.Swappiness is { } sw)
            {
                if (sw > 100) throw new ConfigException("linux.resources.memory.swappiness", $"{sw} is not between 0 and 100");
                CgroupFiles.Write(mem, "memory.swappiness", sw.ToString());
            }
            if (m.DisableOomKiller == true) CgroupFiles.Write(mem, "memory.oom_control", "1");
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is { } shares) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.shares"), "cpu.shares", shares.ToString());
            if (c.Period is { } period) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.period"), "cpu.cfs_period_us", period.ToString());
            if (c.Quota is { } quota) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.quota"), "cpu.cfs_quota_us", quota.ToString());
            if (c.RealtimePeriod is { } rp) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.realtimePeriod"), "cpu.rt_period_us", rp.ToString());
            if (c.RealtimeRuntime is { } rr) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.realtimeRuntime"), "cpu.rt_runtime_us", rr.ToString());
            if (!string.IsNullOrEmpty(c.Cpus)) CgroupFiles.Write(Need("cpuset", "linux.resources.cpu.cpus"), "cpuset.cpus", c.Cpus);
            if (!string.IsNullOrEmpty(c.Mems)) CgroupFiles.Write(Need("cpuset", "linux.resources.cpu.mems"), "cpuset.mems", c.Mems);
        }
        if (r.Pids is { } p)
            CgroupFiles.Write(Need("pids", "linux.resources.pids"), "pids.max", p.Limit > 0 ? p.Limit.ToString() : "max");
        if (r.BlockIO?.Weight is { } weight)
        {
            var blkio = Need("blkio", "linux.resources.blockIO");
            var file = File.Exists(System.IO.Path.Combine(blkio, "blkio.weight")) ? "blkio.weight"
                : File.Exists(System.IO.Path.Combine(blkio, "blkio.bfq.weight")) ? "blkio.bfq.weight"
                : throw new ConfigException("linux.resources.blockIO.weight", "this host's blkio controller has no weight file (no CFQ/BFQ scheduler)");
            CgroupFiles.Write(blkio, file, weight.ToString());
        }
        if (r.Unified is { Count: > 0 })
            throw new ConfigException("linux.resources.unified", "needs cgroup v2, but this host's controllers are on cgroup v1");
    }

    public void SetDevices(IReadOnlyList<DeviceCgroupRule> rules)
    {
        var devices = Need("devices", "linux.resources.devices");
        var target = DeviceEmulator.From(rules);
        // runc writes only the transition from what the cgroup holds now (a fresh one inherits its parent's rules).
        foreach (var rule in Current(devices).TransitionTo(target))
            CgroupFiles.Write(devices, rule.Allow ? "devices.allow" : "devices.deny", rule.ToString());
        // A default-allow cgroup's devices.list cannot show its denials: then only the mode can be checked.
        var now = Current(devices);
        if (target.DefaultAllow ? !now.DefaultAllow : !now.SameAs(target))
            throw new IOException($"{devices}: devices.list does not match the device rules written to it");
    }

    private static DeviceEmulator Current(string devices) =>
        DeviceEmulator.FromList(CgroupFiles.Read(devices, "devices.list") ?? throw new IOException($"{devices}/devices.list cannot be read"));

    private string Need(string controller, string field) =>
        Controller(controller) ?? throw new ConfigException(field, $"the {controller} cgroup controller is not mounted on this host");

    private void InheritCpuset(string mount, string leaf)
    {
        var dir = mount;
        foreach (var part in Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var parent = dir;
            dir = System.IO.Path.Combine(dir, part);
            foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
                if (string.IsNullOrEmpty(CgroupFiles.Read(dir, file)))
                    CgroupFiles.Write(dir, file, CgroupFiles.Read(parent, file) ?? "");
        }
        _ = leaf;
    }

    public void AddProcess(int pid)
    {
        foreach (var dir in Dirs) CgroupFiles.Write(dir, "cgroup.procs", pid.ToString());
    }

    public IReadOnlyList<int> Processes()
    {
        var dir = Controller("pids") ?? Controller("freezer") ?? Dir(layout.V1Hierarchies.First());
        return CgroupFiles.Pids(dir);
    }

    public void Freeze() => SetFreezer("FROZEN");
    public void Thaw() => SetFreezer("THAWED");
    public bool IsFrozen() => Controller("freezer") is { } f && CgroupFiles.Read(f, "freezer.state") == "FROZEN";

    private void SetFreezer(string state)
    {
        var f = Controller("freezer") ?? throw new InvalidOperationException("the freezer cgroup controller is not mounted");
        for (var i = 0; i < 1000; i++)
        {
            CgroupFiles.Write(f, "freezer.state", state);
            if (CgroupFiles.Read(f, "freezer.state") == state) return;
            Thread.Sleep(1);
        }
        throw new IOException($"{f}: freezer did not reach {state}");
    }

    public void KillAll(int signal)
    {
        var frozen = Controller("freezer") != null;
        if (frozen) Freeze();
        try
        {
            foreach (var pid in Processes()) Native.Sys.kill(pid, signal);
        }
        finally
        {
            if (frozen) Thaw();
        }
    }

    public void Destroy()
    {
        foreach (var dir in Dirs) CgroupFiles.RemoveDir(dir);
    }

    public bool Exists() => Dirs.Any(Directory.Exists);

    public CgroupStats Stats()
    {
        var mem = Controller("memory");
        var pids = Controller("pids");
        var acct = Controller("cpuacct");
        return new CgroupStats(
            mem == null ? -1 : CgroupFiles.ReadLong(mem, "memory.usage_in_bytes"),
            mem == null ? -1 : CgroupFiles.ReadLong(mem, "memory.limit_in_bytes"),
            mem == null ? -1 : CgroupFiles.ReadLong(mem, "memory.max_usage_in_bytes"),
            mem == null ? -1 : CgroupFiles.ReadKey(mem, "memory.oom_control", "oom_kill"),
            pids == null ? -1 : CgroupFiles.ReadLong(pids, "pids.current"),
            pids == null ? -1 : CgroupFiles.ReadLong(pids, "pids.max"),
            acct == null ? -1 : CgroupFiles.ReadLong(acct, "cpuacct.usage"));
    }

    public CgroupUsage Usage()
    {
        var cpuacct = Controller("cpuacct");
        var cpu = Controller("cpu");
        var mem = Controller("memory");
        var pids = Controller("pids");
        var blkio = Controller("blkio");
        var ticks = CgroupUsageParser.KeyValues(ReadIn(cpuacct, "cpuacct.stat"));
        var throttling = CgroupUsageParser.KeyValues(ReadIn(cpu, "cpu.stat"));
        const long tick = 1_000_000_000 / CgroupUsageParser.UserHz;
        // The recursive throttle counters exist with every I/O scheduler; the CFQ ones only with CFQ/BFQ.
        var bytes = CgroupUsageParser.BlkioV1(ReadIn(blkio, "blkio.throttle.io_service_bytes_recursive") ?? ReadIn(blkio, "blkio.throttle.io_service_bytes"));
        var ios = CgroupUsageParser.BlkioV1(ReadIn(blkio, "blkio.throttle.io_serviced_recursive") ?? ReadIn(blkio, "blkio.throttle.io_serviced"));
        return new CgroupUsage
        {
            CpuTotalNanos = CgroupUsageParser.Number(ReadIn(cpuacct, "cpuacct.usage")),
            CpuUserNanos = ticks.TryGetValue("user", out var u) ? u * tick : -1,
            CpuSystemNanos = ticks.TryGetValue("system", out var sy) ? sy * tick : -1,
            CpuPerCpuNanos = CgroupUsageParser.PerCpu(ReadIn(cpuacct, "cpuacct.usage_percpu")),
            ThrottlingPeriods = throttling.GetValueOrDefault("nr_periods", -1),
            ThrottledPeriods = throttling.GetValueOrDefault("nr_throttled", -1),
            ThrottledNanos = throttling.GetValueOrDefault("throttled_time", -1),
            MemoryUsage = CgroupUsageParser.Number(ReadIn(mem, "memory.usage_in_bytes")),
            MemoryMaxUsage = CgroupUsageParser.Number(ReadIn(mem, "memory.max_usage_in_bytes")),
            MemoryLimit = CgroupUsageParser.Number(ReadIn(mem, "memory.limit_in_bytes")),
            MemoryStat = CgroupUsageParser.KeyValues(ReadIn(mem, "memory.stat")),
            PidsCurrent = CgroupUsageParser.Number(ReadIn(pids, "pids.current")),
            PidsLimit = CgroupUsageParser.Number(ReadIn(pids, "pids.max")),
            IoServiceBytes = bytes,
            IoServiced = ios,
        };
    }

    private static string? ReadIn(string? dir, string file) => dir == null ? null : CgroupFiles.Read(dir, file);

    public void Update(Resources r)
    {
        if (r.Memory is { } m)
        {
            var mem = Need("memory", "linux.resources.memory");
            var swapFile = File.Exists(System.IO.Path.Combine(mem, "memory.memsw.limit_in_bytes"));
            if (m.Reservation is { } res) CgroupFiles.Write(mem, "memory.soft_limit_in_bytes", res.ToString());
            var swap = swapFile ? m.Swap : null;
            // The kernel wants limit <= memsw at every moment, so the order of the two writes depends on the direction.
            var swapFirst = swap is { } s && m.Limit is not null && (s == -1 || CgroupFiles.ReadLong(mem, "memory.limit_in_bytes") < s);
            if (swapFirst) CgroupFiles.Write(mem, "memory.memsw.limit_in_bytes", swap!.Value.ToString());
            if (m.Limit is { } limit) CgroupFiles.Write(mem, "memory.limit_in_bytes", limit.ToString());
            if (!swapFirst && swap is { } sw) CgroupFiles.Write(mem, "memory.memsw.limit_in_bytes", sw.ToString());
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is { } shares) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.shares"), "cpu.shares", shares.ToString());
            if (c.Period is { } period) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.period"), "cpu.cfs_period_us", period.ToString());
            if (c.Quota is { } quota) CgroupFiles.Write(Need("cpu", "linux.resources.cpu.quota"), "cpu.cfs_quota_us", quota.ToString());
            if (!string.IsNullOrEmpty(c.Cpus)) CgroupFiles.Write(Need("cpuset", "linux.resources.cpu.cpus"), "cpuset.cpus", c.Cpus);
            if (!string.IsNullOrEmpty(c.Mems)) CgroupFiles.Write(Need("cpuset", "linux.resources.cpu.mems"), "cpuset.mems", c.Mems);
        }
        if (r.Pids is { } p)
            CgroupFiles.Write(Need("pids", "linux.resources.pids"), "pids.max", p.Limit > 0 ? p.Limit.ToString() : "max");
    }
}
