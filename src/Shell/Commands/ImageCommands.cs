using System.Net.Http.Headers;
using System.Text.Json;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>images, image inspect/history/tag/rm/prune/import/save/load: docker's image verbs over the Engine API.</summary>
public static class ImageCommands
{
    public static async Task<int> List(GlobalOptions g, string[] args)
    {
        const string usage = "images [OPTIONS] [REPOSITORY[:TAG]]";
        var a = Parse(usage, args,
            Bool("Show all images (default hides intermediate images)", "-a", "--all"),
            Bool("Show digests", "--digests"),
            Value("Filter output based on conditions provided", "-f", "--filter"),
            Value("Format output using a custom template", "--format"),
            Bool("Don't truncate output", "--no-trunc"),
            Bool("Only show image IDs", "-q", "--quiet"));
        if (a == null) return 0;
        var filters = ParseFilters(a.All("--filter"));
        if (a.Positionals.Count > 1) throw new CliError($"\"berth images\" requires at most 1 argument.\nSee 'berth images --help'.", 1);
        if (a.Positionals.Count == 1) filters.Add("reference", a.Positionals[0]);
        using var client = Session.Connect(g);
        var list = await client.GetJsonAsync("/images/json", new QueryString().Flag("all", a.Has("--all")).Filters(filters));
        var quiet = a.Has("--quiet");
        var format = a.Get("--format") is { Length: > 0 } f ? f
            : quiet ? "{{.ID}}"
            : a.Has("--digests") ? ImageRow.DefaultTableWithDigest : ImageRow.DefaultTable;
        var output = OutputFormat.Parse(format);
        var now = DateTimeOffset.UtcNow;
        var rows = list.EnumerateArray()
            .SelectMany(i => ImageRow.Expand(i, !a.Has("--no-trunc"), a.Has("--digests"), output.Mentions("Digest"), now));
        output.Write(Console.Out, rows, DockerHeaders.Images);
        return 0;
    }

    public static async Task<int> Inspect(GlobalOptions g, string[] args)
    {
        const string usage = "image inspect [OPTIONS] IMAGE [IMAGE...]";
        var a = Parse(usage, args, Value("Format output using a custom template", "-f", "--format"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        return await Inspection.Run(a.Positionals, a.Get("--format"), "image",
            name => Inspection.OrNull(client.GetJsonAsync($"/images/{name}/json")));
    }

    public static async Task<int> History(GlobalOptions g, string[] args)
    {
        const string usage = "history [OPTIONS] IMAGE";
        var a = Parse(usage, args,
            Value("Format output using a custom template", "--format"),
            Bool("Print sizes and dates in human readable format (default true)", "-H", "--human"),
            Bool("Don't truncate output", "--no-trunc"),
            Bool("Only show image IDs", "-q", "--quiet"));
        if (a == null) return 0;
        a.RequireExactly(1, usage);
        using var client = Session.Connect(g);
        var items = await client.GetJsonAsync($"/images/{a.Positionals[0]}/history");
        var human = a.Get("--human") is not ("false" or "0");
        var format = a.Get("--format") is { Length: > 0 } f ? f : a.Has("--quiet") ? "{{.ID}}" : HistoryRow.DefaultTable;
        var now = DateTimeOffset.UtcNow;
        OutputFormat.Parse(format).Write(Console.Out,
            items.EnumerateArray().Select(i => new HistoryRow(i, !a.Has("--no-trunc"), human, now)), HistoryRow.Headers);
        return 0;
    }

    public static async Task<int> Tag(GlobalOptions g, string[] args)
    {
        const string usage = "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]";
        var a = Parse(usage, args);
        if (a == null) return 0;
        a.RequireExactly(2, usage);
        var (repo, tag) = SplitReference(a.Positionals[1]);
        using var client = Session.Connect(g);
        await client.PostAsync($"/images/{a.Positionals[0]}/tag", new QueryString().Add("repo", repo).AddIfNotEmpty("tag", tag));
        return 0;
    }

    public static async Task<int> Remove(GlobalOptions g, string[] args)
    {
        const string usage = "rmi [OPTIONS] IMAGE [IMAGE...]";
        var a = Parse(usage, args,
            Bool("Force removal of the image", "-f", "--force"),
            Bool("Do not delete untagged parents", "--no-prune"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        using var client = Session.Connect(g);
        var failed = false;
        foreach (var name in a.Positionals)
        {
            try
            {
                var items = await client.DeleteJsonAsync<JsonElement>($"/images/{name}",
                    new QueryString().Flag("force", a.Has("--force")).Flag("noprune", a.Has("--no-prune")));
                foreach (var item in items.EnumerateArray())
                    foreach (var p in item.EnumerateObject())
                        Console.WriteLine($"{p.Name}: {p.Value.GetString()}");
            }
            catch (DaemonError e)
            {
                Console.Error.WriteLine(e.Message);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    public static async Task<int> Prune(GlobalOptions g, string[] args)
    {
        const string usage = "image prune [OPTIONS]";
        var a = Parse(usage, args,
            Bool("Remove all unused images, not just dangling ones", "-a", "--all"),
            Value("Provide filter values (e.g. \"until=<timestamp>\")", "--filter"),
            Bool("Do not prompt for confirmation", "-f", "--force"));
        if (a == null) return 0;
        var warning = a.Has("--all")
            ? "WARNING! This will remove all images without at least one container associated to them."
            : "WARNING! This will remove all dangling images.";
        if (!a.Has("--force") && !Confirm(warning)) return 0;
        var filters = ParseFilters(a.All("--filter"));
        filters.Add("dangling", a.Has("--all") ? "false" : "true");
        using var client = Session.Connect(g);
        var report = await client.PostJsonAsync<JsonElement>("/images/prune", new QueryString().Filters(filters));
        if (report.TryGetProperty("ImagesDeleted", out var deleted) && deleted.ValueKind == JsonValueKind.Array && deleted.GetArrayLength() > 0)
        {
            Console.WriteLine("Deleted Images:");
            foreach (var item in deleted.EnumerateArray())
                foreach (var p in item.EnumerateObject())
                    Console.WriteLine($"{p.Name.ToLowerInvariant()}: {p.Value.GetString()}");
            Console.WriteLine();
        }
        Console.WriteLine($"Total reclaimed space: {HumanUnits.Size(report.GetProperty("SpaceReclaimed").GetInt64())}");
        return 0;
    }

    public static async Task<int> Import(GlobalOptions g, string[] args)
    {
        const string usage = "import [OPTIONS] file|- [REPOSITORY[:TAG]]";
        var a = Parse(usage, args,
            Value("Apply Dockerfile instruction to the created image", "-c", "--change"),
            Value("Set commit message for imported image", "-m", "--message"),
            Value("Set platform if server is multi-platform capable", "--platform"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        var query = new QueryString().Add("fromSrc", "-").AddIfNotEmpty("message", a.Get("--message"));
        foreach (var c in a.All("--change")) query.Add("changes", c);
        if (a.Positionals.Count > 1)
        {
            var (repo, tag) = SplitReference(a.Positionals[1]);
            query.Add("repo", repo).AddIfNotEmpty("tag", tag);
        }
        await using var source = OpenInput(a.Positionals[0]);
        using var client = Session.Connect(g);
        var content = new StreamContent(source);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        await using var stream = await client.OpenStreamAsync(HttpMethod.Post, "/images/create", query, content);
        await new JsonMessageRenderer(Console.Out, isTerminal: false).RenderAsync(JsonMessage.ReadAllAsync(stream));
        return 0;
    }

    public static async Task<int> Save(GlobalOptions g, string[] args)
    {
        const string usage = "save [OPTIONS] IMAGE [IMAGE...]";
        var a = Parse(usage, args,
            Value("Write to a file, instead of STDOUT", "-o", "--output"),
            Bool("Write an OCI image layout instead of the docker-archive layout", "--oci"));
        if (a == null) return 0;
        a.RequireAtLeast(1, usage);
        var target = a.Get("--output");
        if (target == null && !Console.IsOutputRedirected)
            throw new CliError("cowardly refusing to save to a terminal. Use the -o flag or redirect", 1);
        var query = new QueryString();
        foreach (var n in a.Positionals) query.Add("names", n);
        if (a.Has("--oci")) query.Add("format", "oci");
        using var client = Session.Connect(g);
        await using var stream = await client.OpenStreamAsync(HttpMethod.Get, "/images/get", query);
        if (target == null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await stream.CopyToAsync(stdout);
            return 0;
        }
        // Write next to the target and rename, so a failed save never leaves half a file under the name.
        var tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.tmp-{Environment.ProcessId}");
        try
        {
            await using (var file = File.Create(tmp)) await stream.CopyToAsync(file);
            File.Move(tmp, target, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
        return 0;
    }

    public static async Task<int> Load(GlobalOptions g, string[] args)
    {
        const string usage = "load [OPTIONS]";
        var a = Parse(usage, args,
            Value("Read from tar archive file, instead of STDIN", "-i", "--input"),
            Bool("Suppress the load output", "-q", "--quiet"));
        if (a == null) return 0;
        var input = a.Get("--input");
        if (input == null && !Console.IsInputRedirected)
            throw new CliError("requested load from stdin, but stdin is empty", 1);
        await using var source = OpenInput(input ?? "-");
        var terminal = !Console.IsOutputRedirected;
        using var client = Session.Connect(g);
        var content = new StreamContent(source);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        await using var stream = await client.OpenStreamAsync(HttpMethod.Post, "/images/load",
            new QueryString().Bool("quiet", a.Has("--quiet") || !terminal), content);
        await new JsonMessageRenderer(Console.Out, terminal).RenderAsync(JsonMessage.ReadAllAsync(stream));
        return 0;
    }

    private static Stream OpenInput(string path)
    {
        if (path == "-") return Console.OpenStandardInput();
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliError($"open {path}: {e.Message}", 1); }
    }

    /// <summary>"repo[:tag]" split where the tag colon is after the last '/' (so "host:5000/x" has no tag).</summary>
    public static (string Repo, string? Tag) SplitReference(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, null);
    }

    public static Client.Filters ParseFilters(IEnumerable<string> flags)
    {
        var filters = new Client.Filters();
        foreach (var f in flags) filters.AddFlag(f);
        return filters;
    }

    /// <summary>docker's prompt: anything but y/yes declines; no terminal input declines too.</summary>
    public static bool Confirm(string warning)
    {
        Console.Write($"{warning}\nAre you sure you want to continue? [y/N] ");
        var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }
}

/// <summary>Prints inspect results like docker: an indented JSON array, or one --format line per object.</summary>
public static class Inspection
{
    /// <summary>Looks up each name, prints what was found, reports each miss as docker does ("Error: No such image: x"); exit 1 on any miss.</summary>
    public static async Task<int> Run(IReadOnlyList<string> names, string? format, string objectWord, Func<string, Task<JsonElement?>> lookup)
    {
        var found = new List<JsonElement>();
        var failed = false;
        foreach (var name in names)
        {
            if (await lookup(name) is { } hit) found.Add(hit);
            else { Console.Error.WriteLine($"Error: No such {objectWord}: {name}"); failed = true; }
        }
        Print(found, format);
        return failed ? 1 : 0;
    }

    /// <summary>The object, or null when the daemon says 404.</summary>
    public static async Task<JsonElement?> OrNull(Task<JsonElement> request)
    {
        try { return await request; }
        catch (DaemonError e) when (e.IsNotFound) { return null; }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Print(IReadOnlyList<JsonElement> objects, string? format)
    {
        if (string.IsNullOrEmpty(format))
        {
            Console.WriteLine(JsonSerializer.Serialize(objects, Indented));
            return;
        }
        OutputFormat.Parse(format).Write(Console.Out, objects.Select(o => (object?)o));
    }
}
