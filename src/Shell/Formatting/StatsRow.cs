using System.Globalization;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>
/// One `docker stats` row from a stats document (and the container argument it was asked for), with the docker CLI's
/// arithmetic: CPU % from the deltas against precpu, memory without the inactive page cache, block I/O summed by direction.
/// </summary>
public sealed class StatsRow : IHtmlEscapedJson
{
    /// <summary>docker stats' default table.</summary>
    public const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

    /// <summary>docker's column titles for the stats table.</summary>
    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Container"] = "CONTAINER", ["ID"] = "CONTAINER ID", ["Name"] = "NAME", ["CPUPerc"] = "CPU %", ["MemUsage"] = "MEM USAGE / LIMIT",
        ["MemPerc"] = "MEM %", ["NetIO"] = "NET I/O", ["BlockIO"] = "BLOCK I/O", ["PIDs"] = "PIDS",
    };

    private readonly string _id;
    private readonly bool _trunc;

    public StatsRow(string container, string id, string name, bool truncate)
    {
        Container = container;
        _id = id;
        Name = name.TrimStart('/');
        _trunc = truncate;
    }

    // Declared in alphabetical order so {{json .}} matches docker's (sorted) output.
    public string BlockIO => $"{HumanUnits.Size(BlockRead, 3)} / {HumanUnits.Size(BlockWrite, 3)}";
    public string CPUPerc => CpuPercent.ToString("F2", CultureInfo.InvariantCulture) + "%";
    public string Container { get; }
    public string ID => _trunc && _id.Length > 12 ? _id[..12] : _id;
    public string MemPerc => MemoryPercent.ToString("F2", CultureInfo.InvariantCulture) + "%";
    public string MemUsage => $"{HumanUnits.BinarySize(Memory)} / {HumanUnits.BinarySize(MemoryLimit)}";
    public string Name { get; }
    public string NetIO => "0B / 0B";
    public string PIDs => Pids.ToString(CultureInfo.InvariantCulture);

    internal double CpuPercent { get; private set; }
    internal double Memory { get; private set; }
    internal double MemoryLimit { get; private set; }
    internal double MemoryPercent { get; private set; }
    internal double BlockRead { get; private set; }
    internal double BlockWrite { get; private set; }
    internal long Pids { get; private set; }

    /// <summary>Takes the numbers of one stats document.</summary>
    public StatsRow With(JsonElement doc)
    {
        var cpu = Get(doc, "cpu_stats");
        var pre = Get(doc, "precpu_stats");
        var cpuDelta = Num(Get(cpu, "cpu_usage"), "total_usage") - Num(Get(pre, "cpu_usage"), "total_usage");
        var systemDelta = Num(cpu, "system_cpu_usage") - Num(pre, "system_cpu_usage");
        var online = Num(cpu, "online_cpus");
        if (online == 0 && Get(Get(cpu, "cpu_usage"), "percpu_usage") is { ValueKind: JsonValueKind.Array } per) online = per.GetArrayLength();
        CpuPercent = systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * online * 100.0 : 0;

        var memory = Get(doc, "memory_stats");
        var stats = Get(memory, "stats");
        var usage = Num(memory, "usage");
        // cgroup v1 names the page cache total_inactive_file, v2 inactive_file; docker subtracts it from the usage.
        var inactive = Has(stats, "total_inactive_file") ? Num(stats, "total_inactive_file") : Num(stats, "inactive_file");
        Memory = inactive < usage ? usage - inactive : usage;
        MemoryLimit = Num(memory, "limit");
        MemoryPercent = MemoryLimit > 0 ? Memory / MemoryLimit * 100.0 : 0;

        BlockRead = BlockWrite = 0;
        if (Get(Get(doc, "blkio_stats"), "io_service_bytes_recursive") is { ValueKind: JsonValueKind.Array } io)
            foreach (var e in io.EnumerateArray())
            {
                var op = e.TryGetProperty("op", out var o) ? o.GetString() ?? "" : "";
                if (op.StartsWith('r') || op.StartsWith('R')) BlockRead += Num(e, "value");
                else if (op.StartsWith('w') || op.StartsWith('W')) BlockWrite += Num(e, "value");
            }
        Pids = (long)Num(Get(doc, "pids_stats"), "current");
        return this;
    }

    private static JsonElement Get(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    private static bool Has(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out _);

    private static double Num(JsonElement e, string name) =>
        Get(e, name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : 0;
}
