using Berth.Actors.Protocol;
using Berth.Runtime.Cgroups;

namespace Berth.Host.Api;

/// <summary>The host-wide half of one stats reading, taken at the same moment as the cgroup's.</summary>
public sealed record HostSample(long SystemCpuNanos, int OnlineCpus, long MachineMemory);

/// <summary>docker's stats JSON (types.StatsJSON, snake_case) from a cgroup reading, the previous one and the host's numbers.</summary>
public static class StatsShapes
{
    private const string GoZeroTime = "0001-01-01T00:00:00Z";

    public static Dictionary<string, object?> Document(ContainerStatsSample now, HostSample host, ContainerStatsSample? before, HostSample? hostBefore)
    {
        var u = now.Usage;
        return new Dictionary<string, object?>
        {
            ["read"] = u == null ? GoZeroTime : Time(now.Read),
            ["preread"] = before?.Usage == null ? GoZeroTime : Time(before.Read),
            ["pids_stats"] = u == null ? new Dictionary<string, object?>() : Pids(u),
            ["blkio_stats"] = Blkio(u),
            ["num_procs"] = 0,
            ["storage_stats"] = new Dictionary<string, object?>(),
            ["cpu_stats"] = Cpu(u, u == null ? null : host),
            ["precpu_stats"] = Cpu(before?.Usage, before?.Usage == null ? null : hostBefore),
            ["memory_stats"] = u == null ? new Dictionary<string, object?>() : Memory(u, host.MachineMemory),
            ["name"] = now.Name,
            ["id"] = now.Id,
        };
    }

    private static Dictionary<string, object?> Pids(CgroupUsage u)
    {
        var d = new Dictionary<string, object?>();
        if (u.PidsCurrent >= 0) d["current"] = u.PidsCurrent;
        if (u.PidsLimit is > 0 and < long.MaxValue) d["limit"] = u.PidsLimit;
        return d;
    }

    private static Dictionary<string, object?> Blkio(CgroupUsage? u) => new()
    {
        ["io_service_bytes_recursive"] = u == null || u.IoServiceBytes.Count == 0 ? null : Entries(u.IoServiceBytes),
        ["io_serviced_recursive"] = u == null || u.IoServiced.Count == 0 ? null : Entries(u.IoServiced),
        ["io_queue_recursive"] = null,
        ["io_service_time_recursive"] = null,
        ["io_wait_time_recursive"] = null,
        ["io_merged_recursive"] = null,
        ["io_time_recursive"] = null,
        ["sectors_recursive"] = null,
    };

    private static List<object> Entries(IEnumerable<BlkioEntry> entries) =>
        entries.Select(e => (object)new Dictionary<string, object> { ["major"] = e.Major, ["minor"] = e.Minor, ["op"] = e.Op, ["value"] = e.Value }).ToList();

    private static Dictionary<string, object?> Cpu(CgroupUsage? u, HostSample? host)
    {
        var usage = new Dictionary<string, object?>
        {
            ["total_usage"] = Positive(u?.CpuTotalNanos),
        };
        if (u is { CpuPerCpuNanos.Count: > 0 }) usage["percpu_usage"] = u.CpuPerCpuNanos;
        usage["usage_in_kernelmode"] = Positive(u?.CpuSystemNanos);
        usage["usage_in_usermode"] = Positive(u?.CpuUserNanos);
        var d = new Dictionary<string, object?> { ["cpu_usage"] = usage };
        if (host != null)
        {
            d["system_cpu_usage"] = host.SystemCpuNanos;
            d["online_cpus"] = host.OnlineCpus;
        }
        d["throttling_data"] = new Dictionary<string, object?>
        {
            ["periods"] = Positive(u?.ThrottlingPeriods), ["throttled_periods"] = Positive(u?.ThrottledPeriods), ["throttled_time"] = Positive(u?.ThrottledNanos),
        };
        return d;
    }

    private static Dictionary<string, object?> Memory(CgroupUsage u, long machineMemory)
    {
        var d = new Dictionary<string, object?> { ["usage"] = Positive(u.MemoryUsage) };
        if (u.MemoryMaxUsage >= 0) d["max_usage"] = u.MemoryMaxUsage;
        d["stats"] = u.MemoryStat;
        // Without a limit (or with v1's page-rounded "unlimited") docker reports the machine's memory.
        d["limit"] = u.MemoryLimit < 0 || (machineMemory > 0 && u.MemoryLimit > machineMemory) ? machineMemory : u.MemoryLimit;
        return d;
    }

    private static long Positive(long? v) => v is > 0 ? v.Value : 0;

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'");
}
