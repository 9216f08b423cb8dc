using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using Berth.Shell.Terminal;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker's container verbs over the Engine API: run, create, start, stop, restart, kill, rm, ps, logs, wait, inspect, rename, pause, unpause.</summary>
public static class ContainerCommands
{
    public static async Task<int> Run(GlobalOptions g, string[] args)
    {
        const string usage = "run [OPTIONS] IMAGE [COMMAND] [ARG...]";
        var a = ParseRun(usage, args);
        if (a == null) return 0;
        using var client = Session.Connect(g);
        var id = await Create(client, a, "run");
        if (a.Has("--detach"))
        {
            await StartOrFail(client, id, "run");
            Console.WriteLine(id);
            return 0;
        }
        return await AttachStartAndWait(client, id, a.Has("--tty"), a.Has("--interactive"),
            a.Has("--rm") ? "removed" : "next-exit", a.Get("--detach-keys"), "run");
    }

    public static async Task<int> CreateVerb(GlobalOptions g, string[] args)
    {
        const string usage = "create [OPTIONS] IMAGE [COMMAND] [ARG...]";
        var a = ParseRun(usage, args);
        if (a == null) return 0;
        using var client = Session.Connect(g);
        Console.WriteLine(await Create(client, a, "create"));
        return 0;
    }

    private static VerbArgs? ParseRun(string usage, string[] args)
    {
        // Flags stop at the image: what follows is the container's command line.
        var split = 0;
        var flagsWithValue = RunOptions.Flags.Where(f => f.TakesValue).SelectMany(f => f.Names).ToHashSet();
        for (; split < args.Length; split++)
        {
            var x = args[split];
            if (x == "--") { split++; break; }
            if (!x.StartsWith('-') || x == "-") break;
            if (flagsWithValue.Contains(x)) split++;
        }
        split = Math.Min(split, args.Length);
        var merged = Parse(usage, [.. args[..split], "--", .. args[split..]], RunOptions.Flags);
        if (merged == null) return null;
        if (merged.Positionals.Count < 1)
            throw new CliError($"\"berth {usage.Split(' ')[0]}\" requires at least 1 argument.\nSee 'berth {usage.Split(' ')[0]} --help'.\n\nUsage:  berth {usage}", 125);
        if (merged.Get("--detach-keys") is { } keys) DetachKeys.Parse(keys);
        return merged;
    }

    /// <summary>POST /containers/create; a missing image is reported like docker (no registry pull yet in berth).</summary>
    private static async Task<string> Create(EngineClient client, VerbArgs a, string verb)
    {
        var body = RunOptions.Body(a);
        var query = new QueryString().AddIfNotEmpty("name", a.Get("--name")).AddIfNotEmpty("platform", a.Get("--platform"));
        try
        {
            var created = await client.PostJsonAsync<JsonElement>("/containers/create", query, body);
            foreach (var w in created.TryGetProperty("Warnings", out var ws) && ws.ValueKind == JsonValueKind.Array ? ws.EnumerateArray() : default)
                Console.Error.WriteLine($"WARNING: {w.GetString()}");
            return created.GetProperty("Id").GetString()!;
        }
        catch (DaemonError e) when (e.IsNotFound)
        {
            var image = a.Positionals[0];
            Console.Error.WriteLine($"Unable to find image '{image}' locally");
            var (repo, tag) = ImageCommands.SplitReference(image);
            try
            {
                await using var pull = await client.OpenStreamAsync(HttpMethod.Post, "/images/create",
                    new QueryString().Add("fromImage", repo).Add("tag", tag ?? "latest"));
                await new JsonMessageRenderer(Console.Error, false).RenderAsync(JsonMessage.ReadAllAsync(pull));
            }
            catch (Exception pullError) when (pullError is DaemonError or JsonStreamError)
            {
                throw new CliError($"berth: {pullError.Message}.\nSee 'berth {verb} --help'.", ExitCodes.DaemonFailure);
            }
            return (await client.PostJsonAsync<JsonElement>("/containers/create", query, body)).GetProperty("Id").GetString()!;
        }
        catch (DaemonError e)
        {
            throw new CliError($"berth: {e.Message}.\nSee 'berth {verb} --help'.", ExitCodes.DaemonFailure);
        }
    }

    private static async Task StartOrFail(EngineClient client, string id, string verb)
    {
        try { await client.PostAsync($"/containers/{id}/start"); }
        catch (DaemonError e) { throw new CliError($"berth: {e.Message}.", ExitCodes.ForStartFailure(e.DaemonMessage)); }
    }

    /// <summary>docker run's order: attach, wait (headers first), start, resize; the exit code comes from wait.</summary>
    private static async Task<int> AttachStartAndWait(EngineClient client, string id, bool tty, bool interactive, string condition,
        string? detachKeys, string verb)
    {
        var attachQuery = new QueryString().Add("stream", "1").Add("stdout", "1").Add("stderr", "1").Flag("stdin", interactive);
        if (detachKeys != null) attachQuery.Add("detachKeys", detachKeys);
        await using var conn = await client.HijackAsync($"/containers/{id}/attach", attachQuery);
        using var wait = await client.SendAsync(HttpMethod.Post, $"/containers/{id}/wait", new QueryString().Add("condition", condition), null);
        using var raw = tty && interactive && TerminalInfo.IsTerminal(0) ? RawTerminal.Enable(0) : null;
        int? startFailure = null;
        try { await client.PostAsync($"/containers/{id}/start"); }
        catch (DaemonError e)
        {
            raw?.Restore();
            Console.Error.WriteLine($"berth: {e.Message}.");
            startFailure = ExitCodes.ForStartFailure(e.DaemonMessage);
        }
        if (startFailure != null)
        {
            await ReadWait(wait);
            return startFailure.Value;
        }
        using var resizer = tty && TerminalInfo.IsTerminal(1) ? await TtyResizer.StartAsync(client, $"/containers/{id}/resize") : null;
        var keys = DetachKeys.Parse(detachKeys ?? DetachKeys.Default);
        if (await AttachStreams.RunOnConsoleAsync(conn, tty, interactive, keys, raw)) return 0;
        return await ReadWait(wait);
    }

    private static async Task<int> ReadWait(HttpResponseMessage wait)
    {
        var body = JsonDocument.Parse(await wait.Content.ReadAsStringAsync()).RootElement;
        if (body.TryGetProperty("Error", out var err) && err.ValueKind == JsonValueKind.Object && err.TryGetProperty("Message", out var m) && m.GetString() is { Length: > 0 } msg)
        {
            Console.Error.WriteLine($"berth: Error response from daemon: {msg}");
            return ExitCodes.DaemonFailure;
        }
        return body.GetProperty("StatusCode").GetInt32();
    }

    public static async Task<int> Start(GlobalOptions g, string[] args)
    {
        const string usage = "start [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args,
            Bool("Attach STDOUT/STDERR and forward signals", "-a", "--attach"),
            Bool("Attach container's STDIN", "-i", "--interactive"),
            Value("Override the key sequence for detaching a container", "--detach-keys"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        if (a.Has("--attach") || a.Has("--interactive"))
        {
            if (a.Positionals.Count > 1) throw new CliError("you cannot start and attach multiple containers at once", 1);
            var c = await client.GetJsonAsync($"/containers/{a.Positionals[0]}/json");
            var tty = c.GetProperty("Config").GetProperty("Tty").GetBoolean();
            return await AttachStartAndWait(client, c.GetProperty("Id").GetString()!, tty, a.Has("--interactive"), "next-exit", a.Get("--detach-keys"), "start");
        }
        return await EachContainer(a.Positionals, name => client.PostAsync($"/containers/{name}/start"), "Error response from daemon: ");
    }

    public static Task<int> Stop(GlobalOptions g, string[] args) => Signalled(g, args, "stop");
    public static Task<int> Restart(GlobalOptions g, string[] args) => Signalled(g, args, "restart");

    private static async Task<int> Signalled(GlobalOptions g, string[] args, string verb)
    {
        var usage = $"{verb} [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args,
            Value("Signal to send to the container", "-s", "--signal"),
            Value("Seconds to wait before killing the container", "-t", "--time"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var q = new QueryString().AddIfNotEmpty("t", a.Get("--time")).AddIfNotEmpty("signal", a.Get("--signal"));
        return await EachContainer(a.Positionals, name => client.PostAsync($"/containers/{name}/{verb}", q));
    }

    public static async Task<int> Kill(GlobalOptions g, string[] args)
    {
        const string usage = "kill [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args, Value("Signal to send to the container", "-s", "--signal"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var q = new QueryString().AddIfNotEmpty("signal", a.Get("--signal"));
        return await EachContainer(a.Positionals, name => client.PostAsync($"/containers/{name}/kill", q));
    }

    public static async Task<int> Remove(GlobalOptions g, string[] args)
    {
        const string usage = "rm [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args,
            Bool("Force the removal of a running container (uses SIGKILL)", "-f", "--force"),
            Bool("Remove anonymous volumes associated with the container", "-v", "--volumes"),
            Bool("Remove the specified link", "-l", "--link"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var q = new QueryString().Flag("force", a.Has("--force")).Flag("v", a.Has("--volumes"));
        return await EachContainer(a.Positionals, name => client.DeleteAsync($"/containers/{name}", q));
    }

    public static Task<int> Pause(GlobalOptions g, string[] args) => Simple(g, args, "pause");
    public static Task<int> Unpause(GlobalOptions g, string[] args) => Simple(g, args, "unpause");

    private static async Task<int> Simple(GlobalOptions g, string[] args, string verb)
    {
        var usage = $"{verb} CONTAINER [CONTAINER...]";
        var a = Parse(usage, args);
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        return await EachContainer(a.Positionals, name => client.PostAsync($"/containers/{name}/{verb}"));
    }

    /// <summary>docker's per-container loop: print each name that worked, each error to stderr, exit 1 if any failed.</summary>
    private static async Task<int> EachContainer(IReadOnlyList<string> names, Func<string, Task> action, string errorPrefix = "")
    {
        var failed = false;
        foreach (var name in names)
        {
            try
            {
                await action(name);
                Console.WriteLine(name);
            }
            catch (DaemonError e)
            {
                Console.Error.WriteLine(e.Message);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    public static async Task<int> Wait(GlobalOptions g, string[] args)
    {
        const string usage = "wait CONTAINER [CONTAINER...]";
        var a = Parse(usage, args);
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var failed = false;
        foreach (var name in a.Positionals)
        {
            try
            {
                using var resp = await client.SendAsync(HttpMethod.Post, $"/containers/{name}/wait", null, null);
                Console.WriteLine(await ReadWait(resp));
            }
            catch (DaemonError e) { Console.Error.WriteLine(e.Message); failed = true; }
        }
        return failed ? 1 : 0;
    }

    public static async Task<int> List(GlobalOptions g, string[] args)
    {
        const string usage = "ps [OPTIONS]";
        var a = Parse(usage, args,
            Bool("Show all containers (default shows just running)", "-a", "--all"),
            Value("Filter output based on conditions provided", "-f", "--filter"),
            Value("Format output using a custom template", "--format"),
            Value("Show n last created containers (includes all states)", "-n", "--last"),
            Bool("Show the latest created container (includes all states)", "-l", "--latest"),
            Bool("Don't truncate output", "--no-trunc"),
            Bool("Only display container IDs", "-q", "--quiet"),
            Bool("Display total file sizes", "-s", "--size"));
        if (a == null) return 0;
        var quiet = a.Has("--quiet");
        var format = a.Get("--format") is { Length: > 0 } f ? f : quiet ? "{{.ID}}" : a.Has("--size") ? ContainerRow.DefaultTable + "\t{{.Size}}" : ContainerRow.DefaultTable;
        var output = OutputFormat.Parse(format, "failed to parse template");
        var limit = a.Has("--latest") ? "1" : a.Get("--last");
        using var client = Session.Connect(g);
        var q = new QueryString().Flag("all", a.Has("--all")).AddIfNotEmpty("limit", limit)
            .Flag("size", a.Has("--size") || output.Mentions("Size")).Filters(ImageCommands.ParseFilters(a.All("--filter")));
        var list = await client.GetJsonAsync("/containers/json", q);
        var now = DateTimeOffset.UtcNow;
        output.Write(Console.Out, list.EnumerateArray().Select(c => new ContainerRow(c, !a.Has("--no-trunc"), now)), DockerHeaders.Containers);
        return 0;
    }

    public static async Task<int> Logs(GlobalOptions g, string[] args)
    {
        const string usage = "logs [OPTIONS] CONTAINER";
        var a = Parse(usage, args,
            Bool("Show extra details provided to logs", "--details"),
            Bool("Follow log output", "-f", "--follow"),
            Value("Show logs since timestamp or relative (e.g. 42m)", "--since"),
            Value("Number of lines to show from the end of the logs", "-n", "--tail"),
            Bool("Show timestamps", "-t", "--timestamps"),
            Value("Show logs before a timestamp or relative (e.g. 42m)", "--until"));
        if (a == null) return 0;
        a.RequireExactly(1, usage);
        using var client = Session.Connect(g);
        var c = await client.GetJsonAsync($"/containers/{a.Positionals[0]}/json");
        var now = DateTimeOffset.UtcNow;
        var q = new QueryString().Add("stdout", "1").Add("stderr", "1").Flag("follow", a.Has("--follow"))
            .Flag("timestamps", a.Has("--timestamps")).Flag("details", a.Has("--details")).Add("tail", a.Get("--tail") ?? "all");
        if (a.Get("--since") is { } since) q.Add("since", Timestamps.ToApiValue(since, now));
        if (a.Get("--until") is { } until) q.Add("until", Timestamps.ToApiValue(until, now));
        await using var stream = await client.OpenStreamAsync(HttpMethod.Get, $"/containers/{c.GetProperty("Id").GetString()}/logs", q);
        await using var stdout = Console.OpenStandardOutput();
        await using var stderr = Console.OpenStandardError();
        if (c.GetProperty("Config").GetProperty("Tty").GetBoolean()) await StdCopy.CopyRawAsync(stream, stdout);
        else await StdCopy.DemultiplexAsync(stream, stdout, stderr);
        return 0;
    }

    public static async Task<int> InspectContainer(GlobalOptions g, string[] args)
    {
        const string usage = "container inspect [OPTIONS] CONTAINER [CONTAINER...]";
        var a = Parse(usage, args, Value("Format output using a custom template", "-f", "--format"), Bool("Display total file sizes", "-s", "--size"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        return await Inspection.Run(a.Positionals, a.Get("--format"), "container",
            name => Inspection.OrNull(client.GetJsonAsync($"/containers/{name}/json", new QueryString().Flag("size", a.Has("--size")))));
    }

    /// <summary>docker inspect without --type: container, then image (each tried only on 404).</summary>
    public static async Task<int> Inspect(GlobalOptions g, string[] args)
    {
        const string usage = "inspect [OPTIONS] NAME|ID [NAME|ID...]";
        var a = Parse(usage, args, Value("Format output using a custom template", "-f", "--format"), Value("Return JSON for specified type", "--type"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var kinds = a.Get("--type") switch
        {
            null or "" => new[] { "containers", "images" },
            "container" => ["containers"],
            "image" => ["images"],
            var t => throw new CliError($"\"{t}\" is not a valid value for --type", 1),
        };
        return await Inspection.Run(a.Positionals, a.Get("--format"), "object", async name =>
        {
            foreach (var kind in kinds)
                if (await Inspection.OrNull(client.GetJsonAsync($"/{kind}/{name}/json")) is { } hit) return hit;
            return null;
        });
    }

    public static async Task<int> Rename(GlobalOptions g, string[] args)
    {
        const string usage = "rename CONTAINER NEW_NAME";
        var a = Parse(usage, args);
        if (a == null) return 0;
        a.RequireExactly(2, usage);
        using var client = Session.Connect(g);
        await client.PostAsync($"/containers/{a.Positionals[0]}/rename", new QueryString().Add("name", a.Positionals[1]));
        return 0;
    }

    /// <summary>docker container prune.</summary>
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
}
