using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker update over the Engine API: resources and restart policy of existing containers.</summary>
public static class UpdateCommands
{
    public static async Task<int> Update(GlobalOptions g, string[] args)
    {
        const string usage = "update [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args,
            Value("Block IO (relative weight), between 10 and 1000, or 0 to disable", "--blkio-weight"),
            Value("Limit CPU CFS (Completely Fair Scheduler) period", "--cpu-period"),
            Value("Limit CPU CFS (Completely Fair Scheduler) quota", "--cpu-quota"),
            Value("CPU shares (relative weight)", "-c", "--cpu-shares"),
            Value("Number of CPUs", "--cpus"),
            Value("CPUs in which to allow execution (0-3, 0,1)", "--cpuset-cpus"),
            Value("MEMs in which to allow execution (0-3, 0,1)", "--cpuset-mems"),
            Value("Memory limit", "-m", "--memory"),
            Value("Memory soft limit", "--memory-reservation"),
            Value("Swap limit equal to memory plus swap: -1 to enable unlimited swap", "--memory-swap"),
            Value("Tune container pids limit (set -1 for unlimited)", "--pids-limit"),
            Value("Restart policy to apply when a container exits", "--restart"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        var body = UpdateBody(a);
        using var client = Session.Connect(g);
        var failed = false;
        foreach (var name in a.Positionals)
        {
            try
            {
                var reply = await client.PostJsonAsync<JsonElement>($"/containers/{name}/update", null, body);
                if (reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("Warnings", out var w) && w.ValueKind == JsonValueKind.Array)
                    foreach (var warning in w.EnumerateArray()) Console.Error.WriteLine("WARNING: " + warning.GetString());
                Console.WriteLine(name);
            }
            catch (DaemonError e) { Console.Error.WriteLine(e.Message); failed = true; }
        }
        return failed ? 1 : 0;
    }

    /// <summary>Only what was given: docker update leaves a zero field as it is.</summary>
    public static JsonObject UpdateBody(VerbArgs a)
    {
        var body = new JsonObject();
        if (a.Get("--blkio-weight") is { } bw) body["BlkioWeight"] = Int(bw, "--blkio-weight");
        if (a.Get("--cpu-period") is { } cp) body["CpuPeriod"] = Int(cp, "--cpu-period");
        if (a.Get("--cpu-quota") is { } cq) body["CpuQuota"] = Int(cq, "--cpu-quota");
        if (a.Get("--cpu-shares") is { } cs) body["CpuShares"] = Int(cs, "--cpu-shares");
        if (a.Get("--cpus") is { } cpus) body["NanoCpus"] = RunOptions.NanoCpus(cpus);
        if (a.Get("--cpuset-cpus") is { } cc) body["CpusetCpus"] = cc;
        if (a.Get("--cpuset-mems") is { } cm) body["CpusetMems"] = cm;
        if (a.Get("--memory") is { } m) body["Memory"] = RunOptions.Bytes(m, "--memory");
        if (a.Get("--memory-reservation") is { } mr) body["MemoryReservation"] = RunOptions.Bytes(mr, "--memory-reservation");
        if (a.Get("--memory-swap") is { } ms) body["MemorySwap"] = ms == "-1" ? -1 : RunOptions.Bytes(ms, "--memory-swap");
        if (a.Get("--pids-limit") is { } pl) body["PidsLimit"] = Int(pl, "--pids-limit");
        if (a.Get("--restart") is { } restart)
        {
            var parts = restart.Split(':', 2);
            body["RestartPolicy"] = new JsonObject
            {
                ["Name"] = parts[0], ["MaximumRetryCount"] = parts.Length == 2 ? Int(parts[1], "--restart") : 0,
            };
        }
        if (body.Count == 0) throw new CliError("you must provide one or more flags when using this command", 1);
        return body;
    }

    private static long Int(string s, string flag) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
        ? v : throw new CliError($"invalid argument \"{s}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{s}\": invalid syntax", 125);
}
