using System.Text.Json;
using Berth.Shell.Formatting;

namespace Berth.Shell.Tests.Formatting;

/// <summary>docker stats' arithmetic on a stats document: CPU % from the deltas, memory without the page cache, block I/O by direction.</summary>
public sealed class StatsRowSpecs
{
    private static StatsRow Row(string json) => new StatsRow("web", new string('a', 64), "/web", truncate: true).With(JsonDocument.Parse(json).RootElement);

    private const string V1 = """
        {"read":"2026-11-26T20:10:08.1Z","pids_stats":{"current":3},
         "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":2000000},{"major":8,"minor":0,"op":"Write","value":1000},{"major":8,"minor":0,"op":"Total","value":2001000}]},
         "cpu_stats":{"cpu_usage":{"total_usage":400000000,"percpu_usage":[200000000,200000000]},"system_cpu_usage":3000000000,"online_cpus":2},
         "precpu_stats":{"cpu_usage":{"total_usage":300000000},"system_cpu_usage":2000000000,"online_cpus":2},
         "memory_stats":{"usage":10485760,"stats":{"total_inactive_file":2097152},"limit":104857600},"name":"/web","id":"x"}
        """;

    [Fact]
    public void Cpu_percent_is_the_cpu_delta_over_the_system_delta_times_the_online_cpus()
    {
        Assert.Equal("20.00%", Row(V1).CPUPerc); // 0.1 s of 1 s of host time, on 2 CPUs
    }

    [Fact]
    public void Memory_usage_leaves_out_the_inactive_page_cache_and_is_shown_against_the_limit()
    {
        var row = Row(V1);
        Assert.Equal("8MiB / 100MiB", row.MemUsage);
        Assert.Equal("8.00%", row.MemPerc);
    }

    [Fact]
    public void Cgroup_v2_documents_use_inactive_file_and_lower_case_ops()
    {
        var row = Row("""
            {"pids_stats":{"current":1},"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096},{"major":8,"minor":0,"op":"write","value":8192}]},
             "cpu_stats":{"cpu_usage":{"total_usage":5}},"precpu_stats":{"cpu_usage":{"total_usage":5}},
             "memory_stats":{"usage":3145728,"stats":{"inactive_file":1048576},"limit":1073741824},"name":"/web"}
            """);
        Assert.Equal("2MiB / 1GiB", row.MemUsage);
        Assert.Equal("4.1kB / 8.19kB", row.BlockIO);
        Assert.Equal("0.00%", row.CPUPerc);
        Assert.Equal("1", row.PIDs);
    }

    [Fact]
    public void Block_io_sums_reads_and_writes_and_ignores_the_totals()
    {
        Assert.Equal("2MB / 1kB", Row(V1).BlockIO);
    }

    [Fact]
    public void A_stopped_containers_empty_document_shows_zeros()
    {
        var row = Row("""{"read":"0001-01-01T00:00:00Z","pids_stats":{},"memory_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0}},"name":"/web","id":"x"}""");
        Assert.Equal(["0.00%", "0B / 0B", "0.00%", "0B / 0B", "0"], [row.CPUPerc, row.MemUsage, row.MemPerc, row.BlockIO, row.PIDs]);
        Assert.Equal("aaaaaaaaaaaa", row.ID);
        Assert.Equal("web", row.Name);
    }
}
