namespace Berth.Runtime.Cgroups;

/// <summary>
/// Everything `docker stats` shows of one cgroup, in v1 units (nanoseconds, bytes) whichever layout it was read from.
/// A counter the host does not provide is -1; lists are empty.
/// </summary>
public sealed record CgroupUsage
{
    public long CpuTotalNanos { get; init; } = -1;
    public long CpuUserNanos { get; init; } = -1;
    public long CpuSystemNanos { get; init; } = -1;
    /// <summary>Per-CPU usage (cgroup v1's cpuacct.usage_percpu; v2 has none).</summary>
    public IReadOnlyList<long> CpuPerCpuNanos { get; init; } = [];
    public long ThrottlingPeriods { get; init; } = -1;
    public long ThrottledPeriods { get; init; } = -1;
    public long ThrottledNanos { get; init; } = -1;

    public long MemoryUsage { get; init; } = -1;
    /// <summary>The high-water mark (v1's max_usage_in_bytes, v2's memory.peak when the kernel has it).</summary>
    public long MemoryMaxUsage { get; init; } = -1;
    /// <summary>long.MaxValue (or v1's page-rounded "unlimited") when there is no limit.</summary>
    public long MemoryLimit { get; init; } = -1;
    /// <summary>memory.stat as the kernel writes it.</summary>
    public IReadOnlyDictionary<string, long> MemoryStat { get; init; } = new Dictionary<string, long>();

    public long PidsCurrent { get; init; } = -1;
    /// <summary>long.MaxValue for "max".</summary>
    public long PidsLimit { get; init; } = -1;

    /// <summary>Bytes read and written per device ("Read"/"Write"/... on v1, "read"/"write" on v2, as docker reports them).</summary>
    public IReadOnlyList<BlkioEntry> IoServiceBytes { get; init; } = [];
    /// <summary>I/O operations per device.</summary>
    public IReadOnlyList<BlkioEntry> IoServiced { get; init; } = [];
}

/// <summary>One line of a blkio counter: device, operation, value.</summary>
public sealed record BlkioEntry(long Major, long Minor, string Op, long Value);

/// <summary>Parses the cgroup files behind <see cref="CgroupUsage"/>; pure, so both layouts are specified on fixture text.</summary>
public static class CgroupUsageParser
{
    /// <summary>The kernel's USER_HZ: cpuacct.stat counts in these ticks.</summary>
    public const long UserHz = 100;

    /// <summary>"key value" lines (memory.stat, cpu.stat, cpuacct.stat).</summary>
    public static Dictionary<string, long> KeyValues(string? text)
    {
        var result = new Dictionary<string, long>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], out var v)) result[parts[0]] = v;
        }
        return result;
    }

    /// <summary>cpuacct.usage_percpu: space-separated nanoseconds.</summary>
    public static IReadOnlyList<long> PerCpu(string? text) =>
        (text ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => long.TryParse(s, out var v) ? v : 0).ToList();

    /// <summary>v1 blkio: "8:0 Read 4096" lines; the "Total" summary line has no device and is skipped.</summary>
    public static IReadOnlyList<BlkioEntry> BlkioV1(string? text)
    {
        var result = new List<BlkioEntry>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || !Device(parts[0], out var major, out var minor) || !long.TryParse(parts[2], out var v)) continue;
            result.Add(new BlkioEntry(major, minor, parts[1], v));
        }
        return result;
    }

    /// <summary>v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." → (bytes, ios) entries with docker's lower-case ops.</summary>
    public static (IReadOnlyList<BlkioEntry> Bytes, IReadOnlyList<BlkioEntry> Ios) IoStatV2(string? text)
    {
        var bytes = new List<BlkioEntry>();
        var ios = new List<BlkioEntry>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !Device(parts[0], out var major, out var minor)) continue;
            var kv = parts.Skip(1).Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && long.TryParse(p[1], out _))
                .ToDictionary(p => p[0], p => long.Parse(p[1]));
            if (kv.TryGetValue("rbytes", out var rb)) bytes.Add(new BlkioEntry(major, minor, "read", rb));
            if (kv.TryGetValue("wbytes", out var wb)) bytes.Add(new BlkioEntry(major, minor, "write", wb));
            if (kv.TryGetValue("rios", out var ri)) ios.Add(new BlkioEntry(major, minor, "read", ri));
            if (kv.TryGetValue("wios", out var wi)) ios.Add(new BlkioEntry(major, minor, "write", wi));
        }
        return (bytes, ios);
    }

    /// <summary>A number, or long.MaxValue for "max"; -1 when absent or unreadable.</summary>
    public static long Number(string? text)
    {
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s)) return -1;
        if (s == "max") return long.MaxValue;
        return long.TryParse(s.Split(' ')[0], out var v) ? v : -1;
    }

    private static bool Device(string s, out long major, out long minor)
    {
        major = minor = 0;
        var mm = s.Split(':');
        return mm.Length == 2 && long.TryParse(mm[0], out major) && long.TryParse(mm[1], out minor);
    }
}
