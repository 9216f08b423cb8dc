using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker's container operation verbs over the Engine API: top, stats, update and container prune.</summary>
public static class OpsCommands
{
    public static async Task<int> Top(GlobalOptions g, string[] args)
    {
        const string usage = "top CONTAINER [ps OPTIONS]";
        // Everything after the container belongs to ps, dashes included.
        if (args.Length > 0 && args[0] is "--help" or "-h")
        {
            Console.WriteLine($"Usage:  berth {usage}\n\nDisplay the running processes of a container");
            return 0;
        }
        if (args.Length == 0) throw new CliError($"\"top\" requires at least 1 argument.\nSee 'berth top --help'.\n\nUsage:  berth {usage}", 1);
        using var client = Session.Connect(g);
        var q = new QueryString();
        if (args.Length > 1) q.Add("ps_args", string.Join(' ', args[1..]));
        var top = await client.GetJsonAsync($"/containers/{args[0]}/top", q);
        var lines = new List<string> { string.Join('\t', top.GetProperty("Titles").EnumerateArray().Select(t => t.GetString())) };
        foreach (var row in top.GetProperty("Processes").EnumerateArray())
            lines.Add(string.Join('\t', row.EnumerateArray().Select(f => f.GetString())));
        Console.Write(new TabWriter(minWidth: 20, padding: 3).Format(string.Join('\n', lines) + "\n"));
        return 0;
    }

    public static async Task<int> Stats(GlobalOptions g, string[] args)
    {
        const string usage = "stats [OPTIONS] [CONTAINER...]";
        var a = Parse(usage, args,
            Bool("Show all containers (default shows just running)", "-a", "--all"),
            Value("Format output using a custom template", "--format"),
            Bool("Disable streaming stats and only pull the first result", "--no-stream"),
            Bool("Do not truncate output", "--no-trunc"));
        if (a == null) return 0;
        var format = OutputFormat.Parse(a.Get("--format") is { Length: > 0 } f ? f : StatsRow.DefaultTable);
        var noStream = a.Has("--no-stream");
        using var client = Session.Connect(g);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var board = new StatsBoard(client, !a.Has("--no-trunc"), noStream, cts.Token);

        var named = a.Positionals.Count > 0;
        if (named)
        {
            var failed = false;
            foreach (var name in a.Positionals)
            {
                try { board.Follow(name, (await client.GetJsonAsync($"/containers/{name}/json")).GetProperty("Id").GetString()!); }
                catch (DaemonError e) { Console.Error.WriteLine(e.Message); failed = true; }
            }
            if (failed) return 1;
        }
        for (var first = true; ; first = false)
        {
            // Without names the set follows the daemon: new containers join, removed ones leave.
            if (!named) await board.FollowListed(a.Has("--all"));
            // The first table waits briefly for the first readings rather than showing empty rows.
            if (first && !noStream) await Task.WhenAny(board.FirstReadings(), Task.Delay(TimeSpan.FromSeconds(2), cts.Token));
            if (noStream)
            {
                await board.FirstReadings();
                format.Write(Console.Out, board.Rows(), StatsRow.Headers);
                return 0;
            }
            var table = format.Render(board.Rows(), StatsRow.Headers);
            // docker redraws the whole table in place each second when it writes to a terminal.
            Console.Write(Console.IsOutputRedirected ? table : "\u001b[2J\u001b[H" + table);
            try { await Task.Delay(TimeSpan.FromSeconds(1), cts.Token); }
            catch (OperationCanceledException) { return 0; }
            if (named && board.AllGone) return 0;
        }
    }

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

    public static async Task<int> Prune(GlobalOptions g, string[] args)
    {
        const string usage = "container prune [OPTIONS]";
        var a = Parse(usage, args,
            Value("Provide filter values (e.g. \"until=<timestamp>\")", "--filter"),
            Bool("Do not prompt for confirmation", "-f", "--force"));
        if (a == null) return 0;
        if (!a.Has("--force") && !ImageCommands.Confirm("WARNING! This will remove all stopped containers.")) return 0;
        using var client = Session.Connect(g);
        var report = await client.PostJsonAsync<JsonElement>("/containers/prune", new QueryString().Filters(ImageCommands.ParseFilters(a.All("--filter"))));
        if (report.TryGetProperty("ContainersDeleted", out var deleted) && deleted.ValueKind == JsonValueKind.Array && deleted.GetArrayLength() > 0)
        {
            Console.WriteLine("Deleted Containers:");
            foreach (var id in deleted.EnumerateArray()) Console.WriteLine(id.GetString());
            Console.WriteLine();
        }
        Console.WriteLine($"Total reclaimed space: {HumanUnits.Size(report.GetProperty("SpaceReclaimed").GetInt64())}");
        return 0;
    }

    private static long Int(string s, string flag) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
        ? v : throw new CliError($"invalid argument \"{s}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{s}\": invalid syntax", 125);
}

/// <summary>The containers docker stats shows, each fed by its own stats stream from the daemon.</summary>
internal sealed class StatsBoard(EngineClient client, bool truncate, bool noStream, CancellationToken ct)
{
    private sealed class Entry(StatsRow row)
    {
        public StatsRow Row = row;
        public readonly TaskCompletionSource First = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Gone;
    }

    private readonly Dictionary<string, Entry> _entries = new();
    private readonly Lock _lock = new();

    public bool AllGone { get { lock (_lock) return _entries.Values.All(e => e.Gone); } }

    public void Follow(string container, string id)
    {
        var entry = new Entry(new StatsRow(container, id, "", truncate));
        lock (_lock)
        {
            if (_entries.ContainsKey(id)) return;
            _entries[id] = entry;
        }
        _ = Read(id, entry);
    }

    public async Task FollowListed(bool all)
    {
        var listed = await client.GetJsonAsync("/containers/json", new QueryString().Flag("all", all));
        var ids = new HashSet<string>();
        foreach (var c in listed.EnumerateArray())
        {
            var id = c.GetProperty("Id").GetString()!;
            ids.Add(id);
            Follow(truncate ? id[..12] : id, id);
        }
        lock (_lock)
            foreach (var gone in _entries.Keys.Where(k => !ids.Contains(k)).ToList()) _entries.Remove(gone);
    }

    public Task FirstReadings()
    {
        lock (_lock) return Task.WhenAll(_entries.Values.Select(e => e.First.Task));
    }

    public IReadOnlyList<StatsRow> Rows()
    {
        lock (_lock) return _entries.Values.Select(e => e.Row).ToList();
    }

    private async Task Read(string id, Entry entry)
    {
        try
        {
            var q = new QueryString().Bool("stream", !noStream);
            await using var stream = await client.OpenStreamAsync(HttpMethod.Get, $"/containers/{id}/stats", q, ct: ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                var name = doc.RootElement.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                var row = new StatsRow(entry.Row.Container, id, name, truncate).With(doc.RootElement);
                lock (_lock) entry.Row = row;
                entry.First.TrySetResult();
            }
        }
        catch (Exception e) when (e is DaemonError or IOException or HttpRequestException or OperationCanceledException or JsonException) { }
        finally
        {
            entry.Gone = true;
            entry.First.TrySetResult();
        }
    }
}
