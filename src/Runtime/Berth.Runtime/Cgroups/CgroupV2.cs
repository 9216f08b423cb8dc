using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>A cgroup in the unified (v2) hierarchy: one directory, controllers enabled top-down.</summary>
public sealed class CgroupV2(string mount, string path) : ICgroup
{
    public string Path { get; } = "/" + path.Trim('/');
    private string Dir => System.IO.Path.Combine(mount, Path.TrimStart('/'));

    public void Create(Resources? r)
    {
        Directory.CreateDirectory(Dir);
        var writes = Limits(r).ToList();
        EnableControllers(writes.Select(w => w.File.Split('.')[0]).Distinct());
        foreach (var (file, value, field) in writes)
        {
            if (!File.Exists(System.IO.Path.Combine(Dir, file)))
                throw new ConfigException(field, $"{file} does not exist: the controller is not available in {Dir}");
            CgroupFiles.Write(Dir, file, value);
        }
    }

    public void SetDevices(IReadOnlyList<DeviceCgroupRule> rules)
    {
        var program = DeviceFilter.Encode(DeviceFilter.Build(rules));
        try { Native.Bpf.AttachDeviceFilter(Dir, program, DeviceFilter.License); }
        catch (Native.SyscallException) when (CanGoWithoutFilter(rules))
        {
            // runc's leniency: in a user namespace bpf(2) is out of reach (and so is mknod), and a rule set that only
            // allows everything loses nothing without a filter.
        }
    }

    private static bool CanGoWithoutFilter(IReadOnlyList<DeviceCgroupRule> rules) =>
        InUserNamespace() || rules.All(r => r.Allow && r.Access == DeviceAccess.All);

    private static bool InUserNamespace() =>
        CgroupFiles.Read("/proc/self", "uid_map")?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is { } map &&
        map is not ["0", "0", "4294967295"];

    /// <summary>The v2 files and values for OCI resources (v1 units converted like runc/crun do).</summary>
    public static IEnumerable<(string File, string Value, string Field)> Limits(Resources? r)
    {
        if (r == null) yield break;
        if (r.Memory is { } m)
        {
            if (m.Limit is { } l) yield return ("memory.max", l < 0 ? "max" : l.ToString(), "linux.resources.memory.limit");
            if (m.Reservation is { } res) yield return ("memory.low", res < 0 ? "max" : res.ToString(), "linux.resources.memory.reservation");
            if (m.Swap is { } s)
            {
                // OCI swap is memory+swap; v2 counts swap alone.
                var v = s < 0 ? "max" : (s - Math.Max(m.Limit ?? 0, 0)).ToString();
                yield return ("memory.swap.max", v, "linux.resources.memory.swap");
            }
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is { } sh and > 0) yield return ("cpu.weight", (1 + (sh - 2) * 9999 / 262142).ToString(), "linux.resources.cpu.shares");
            if (c.Quota != null || c.Period != null)
                yield return ("cpu.max", $"{(c.Quota is { } q and > 0 ? q.ToString() : "max")} {c.Period ?? 100000}", "linux.resources.cpu.quota");
            if (!string.IsNullOrEmpty(c.Cpus)) yield return ("cpuset.cpus", c.Cpus, "linux.resources.cpu.cpus");
            if (!string.IsNullOrEmpty(c.Mems)) yield return ("cpuset.mems", c.Mems, "linux.resources.cpu.mems");
        }
        if (r.Pids is { } p) yield return ("pids.max", p.Limit > 0 ? p.Limit.ToString() : "max", "linux.resources.pids.limit");
        if (r.BlockIO?.Weight is { } w) yield return ("io.weight", (1 + (w - 10) * 9999 / 990).ToString(), "linux.resources.blockIO.weight");
        foreach (var (k, v) in r.Unified ?? []) yield return (k, v, $"linux.resources.unified.{k}");
    }

    private void EnableControllers(IEnumerable<string> controllers)
    {
        var wanted = controllers.Where(c => c is not "cgroup").ToList();
        if (wanted.Count == 0) return;
        var dir = mount;
        foreach (var part in Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var available = (CgroupFiles.Read(dir, "cgroup.controllers") ?? "").Split(' ');
            foreach (var c in wanted.Where(available.Contains))
                CgroupFiles.Write(dir, "cgroup.subtree_control", "+" + c);
            dir = System.IO.Path.Combine(dir, part);
        }
    }

    public void AddProcess(int pid) => CgroupFiles.Write(Dir, "cgroup.procs", pid.ToString());
    public IReadOnlyList<int> Processes() => CgroupFiles.Pids(Dir);
    public void Freeze() => SetFrozen("1");
    public void Thaw() => SetFrozen("0");
    public bool IsFrozen() => CgroupFiles.Read(Dir, "cgroup.freeze") == "1";

    private void SetFrozen(string v)
    {
        CgroupFiles.Write(Dir, "cgroup.freeze", v);
        for (var i = 0; i < 1000; i++)
        {
            var events = CgroupFiles.Read(Dir, "cgroup.events") ?? "";
            if (events.Contains("frozen " + v)) return;
            Thread.Sleep(1);
        }
        throw new IOException($"{Dir}: cgroup.freeze did not reach {v}");
    }

    public void KillAll(int signal)
    {
        if (signal == 9 && File.Exists(System.IO.Path.Combine(Dir, "cgroup.kill")))
        {
            CgroupFiles.Write(Dir, "cgroup.kill", "1");
            return;
        }
        foreach (var pid in Processes()) Native.Sys.kill(pid, signal);
    }

    public void Destroy() => CgroupFiles.RemoveDir(Dir);
    public bool Exists() => Directory.Exists(Dir);

    public CgroupStats Stats() => new(
        CgroupFiles.ReadLong(Dir, "memory.current"),
        CgroupFiles.ReadLong(Dir, "memory.max"),
        CgroupFiles.ReadLong(Dir, "memory.peak"),
        CgroupFiles.ReadKey(Dir, "memory.events", "oom_kill"),
        CgroupFiles.ReadLong(Dir, "pids.current"),
        CgroupFiles.ReadLong(Dir, "pids.max"),
        CgroupFiles.ReadKey(Dir, "cpu.stat", "usage_usec") is var u and >= 0 ? u * 1000 : -1);

    public CgroupUsage Usage()
    {
        var cpu = CgroupUsageParser.KeyValues(CgroupFiles.Read(Dir, "cpu.stat"));
        var (bytes, ios) = CgroupUsageParser.IoStatV2(CgroupFiles.Read(Dir, "io.stat"));
        long Micros(string key) => cpu.TryGetValue(key, out var v) ? v * 1000 : -1;
        return new CgroupUsage
        {
            CpuTotalNanos = Micros("usage_usec"),
            CpuUserNanos = Micros("user_usec"),
            CpuSystemNanos = Micros("system_usec"),
            ThrottlingPeriods = cpu.GetValueOrDefault("nr_periods", -1),
            ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled", -1),
            ThrottledNanos = Micros("throttled_usec"),
            MemoryUsage = CgroupUsageParser.Number(CgroupFiles.Read(Dir, "memory.current")),
            MemoryMaxUsage = CgroupUsageParser.Number(CgroupFiles.Read(Dir, "memory.peak")),
            MemoryLimit = CgroupUsageParser.Number(CgroupFiles.Read(Dir, "memory.max")),
            MemoryStat = CgroupUsageParser.KeyValues(CgroupFiles.Read(Dir, "memory.stat")),
            PidsCurrent = CgroupUsageParser.Number(CgroupFiles.Read(Dir, "pids.current")),
            PidsLimit = CgroupUsageParser.Number(CgroupFiles.Read(Dir, "pids.max")),
            IoServiceBytes = bytes,
            IoServiced = ios,
        };
    }

    public void Update(Resources r)
    {
        foreach (var (file, value, field) in Limits(r))
        {
            if (!File.Exists(System.IO.Path.Combine(Dir, file)))
                throw new ConfigException(field, $"{file} does not exist: the controller is not available in {Dir}");
            CgroupFiles.Write(Dir, file, value);
        }
    }
}
