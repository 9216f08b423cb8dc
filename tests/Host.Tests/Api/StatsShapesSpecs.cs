using System.Text.Json;
using Berth.Actors.Protocol;
using Berth.Host.Api;
using Berth.Runtime.Cgroups;

namespace Berth.Host.Tests.Api;

/// <summary>docker's stats JSON from cgroup readings: snake_case keys, precpu from the previous reading, machine memory for no limit.</summary>
public sealed class StatsShapesSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly HostSample Host0 = new(1_000_000_000, 2, 8L << 30);
    private static readonly HostSample Host1 = new(3_000_000_000, 2, 8L << 30);

    private static ContainerStatsSample Sample(DateTimeOffset at, long cpu, long memoryLimit = long.MaxValue) => new("abc", "/web", at, new CgroupUsage
    {
        CpuTotalNanos = cpu, CpuUserNanos = cpu / 2, CpuSystemNanos = cpu / 2, CpuPerCpuNanos = [cpu],
        MemoryUsage = 4096, MemoryMaxUsage = 8192, MemoryLimit = memoryLimit, MemoryStat = new Dictionary<string, long> { ["cache"] = 1 },
        PidsCurrent = 3, PidsLimit = long.MaxValue, IoServiceBytes = [new BlkioEntry(8, 0, "Read", 10)],
    });

    private static JsonElement Json(object doc) => JsonDocument.Parse(JsonSerializer.Serialize(doc, ApiJson.Options)).RootElement;

    [Fact]
    public void A_reading_becomes_dockers_document_with_the_previous_one_as_precpu()
    {
        var d = Json(StatsShapes.Document(Sample(T0.AddSeconds(1), 300), Host1, Sample(T0, 100), Host0));
        Assert.Equal(["read", "preread", "pids_stats", "blkio_stats", "num_procs", "storage_stats", "cpu_stats", "precpu_stats", "memory_stats", "name", "id"],
            d.EnumerateObject().Select(p => p.Name));
        Assert.Equal(300, d.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetInt64());
        Assert.Equal(100, d.GetProperty("precpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetInt64());
        Assert.Equal(3_000_000_000, d.GetProperty("cpu_stats").GetProperty("system_cpu_usage").GetInt64());
        Assert.Equal(2, d.GetProperty("cpu_stats").GetProperty("online_cpus").GetInt32());
        Assert.Equal(3, d.GetProperty("pids_stats").GetProperty("current").GetInt64());
        Assert.False(d.GetProperty("pids_stats").TryGetProperty("limit", out _));
        Assert.Equal("Read", d.GetProperty("blkio_stats").GetProperty("io_service_bytes_recursive")[0].GetProperty("op").GetString());
        Assert.StartsWith("2026-11-26T12:00:01.", d.GetProperty("read").GetString());
        Assert.StartsWith("2026-11-26T12:00:00.", d.GetProperty("preread").GetString());
    }

    [Fact]
    public void Memory_without_a_limit_reports_the_machines_memory()
    {
        var unlimited = Json(StatsShapes.Document(Sample(T0, 1), Host0, null, null)).GetProperty("memory_stats");
        Assert.Equal(8L << 30, unlimited.GetProperty("limit").GetInt64());
        Assert.Equal(8192, unlimited.GetProperty("max_usage").GetInt64());
        var limited = Json(StatsShapes.Document(Sample(T0, 1, 64 << 20), Host0, null, null)).GetProperty("memory_stats");
        Assert.Equal(64 << 20, limited.GetProperty("limit").GetInt64());
    }

    [Fact]
    public void A_stopped_container_reports_zeros_and_go_zero_times()
    {
        var d = Json(StatsShapes.Document(new ContainerStatsSample("abc", "/web", T0, null), Host0, null, null));
        Assert.Equal("0001-01-01T00:00:00Z", d.GetProperty("read").GetString());
        Assert.Equal(0, d.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetInt64());
        Assert.False(d.GetProperty("cpu_stats").TryGetProperty("system_cpu_usage", out _));
        Assert.Empty(d.GetProperty("memory_stats").EnumerateObject());
        Assert.Equal("/web", d.GetProperty("name").GetString());
    }
}
