using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using Berth.Shell.Terminal;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker cp, diff and export: a container's files over the archive, changes and export endpoints.</summary>
public static class FileCommands
{
    public static async Task<int> Diff(GlobalOptions g, string[] args)
    {
        const string usage = "diff CONTAINER";
        var a = VerbArgs.Parse(usage, args);
        if (a == null) return 0;
        a.RequireExactly(1, usage);
        using var client = Session.Connect(g);
        var changes = await client.GetJsonAsync($"/containers/{a.Positionals[0]}/changes");
        if (changes.ValueKind != JsonValueKind.Array) return 0;
        var sb = new StringBuilder();
        foreach (var c in changes.EnumerateArray())
        {
            var kind = c.GetProperty("Kind").GetInt32() switch { 0 => "C", 1 => "A", 2 => "D", var k => k.ToString() };
            sb.Append(kind).Append(' ').Append(c.GetProperty("Path").GetString()).Append('\n');
        }
        Console.Out.Write(sb.ToString());
        return 0;
    }

    public static async Task<int> Export(GlobalOptions g, string[] args)
    {
        const string usage = "export [OPTIONS] CONTAINER";
        var a = VerbArgs.Parse(usage, args, Value("Write to a file, instead of STDOUT", "-o", "--output"));
        if (a == null) return 0;
        a.RequireExactly(1, usage);
        var output = a.Get("--output");
        if (output == null && TerminalInfo.IsTerminal(1))
            throw new CliError("berth: cowardly refusing to save to a terminal. Use the -o flag or redirect", 1);
        using var client = Session.Connect(g);
        await using var tar = await client.OpenStreamAsync(HttpMethod.Get, $"/containers/{a.Positionals[0]}/export");
        await using var target = output == null ? Console.OpenStandardOutput() : File.Create(output);
        await tar.CopyToAsync(target);
        return 0;
    }

    public static async Task<int> Copy(GlobalOptions g, string[] args)
    {
        const string usage = "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH";
        var a = VerbArgs.Parse(usage, args,
            Bool("Archive mode (copy all uid/gid information)", "-a", "--archive"),
            Bool("Always follow symbol link in SRC_PATH", "-L", "--follow-link"),
            Bool("Suppress progress output during copy", "-q", "--quiet"));
        if (a == null) return 0;
        a.RequireExactly(2, usage);
        var src = CopyEndpoint.Parse(a.Positionals[0]);
        var dst = CopyEndpoint.Parse(a.Positionals[1]);
        if (src.Container != null && dst.Container != null) throw new CliError("berth: copying between containers is not supported", 1);
        if (src.Container == null && dst.Container == null) throw new CliError("berth: must specify at least one container source", 1);
        if (src.Path.Length == 0 || dst.Path.Length == 0) throw new CliError("berth: filepath cannot be empty", 1);
        using var client = Session.Connect(g);
        long bytes = src.Container != null
            ? await FromContainer(client, src.Container, src.Path, dst.Path, a.Has("--follow-link"))
            : await ToContainer(client, src.Path, dst.Container!, dst.Path, a.Has("--archive"), a.Has("--follow-link"));
        if (!a.Has("--quiet") && src.Path != "-" && dst.Path != "-")
            Console.Error.WriteLine($"Successfully copied {HumanUnits.Size(bytes)} to {a.Positionals[1]}");
        return 0;
    }

    /// <summary>"name:path" names a container path unless the part before ':' looks like a local path.</summary>
    private sealed record CopyEndpoint(string? Container, string Path)
    {
        public static CopyEndpoint Parse(string arg)
        {
            if (arg.StartsWith('/') || arg.StartsWith('.')) return new(null, arg);
            var colon = arg.IndexOf(':');
            if (colon <= 0 || arg[..colon].Contains('/')) return new(null, arg);
            return new(arg[..colon], arg[(colon + 1)..]);
        }
    }

    private static async Task<JsonElement?> Stat(EngineClient client, string container, string path)
    {
        try
        {
            using var r = await client.SendAsync(HttpMethod.Head, $"/containers/{container}/archive", new QueryString().Add("path", path), null);
            return r.Headers.TryGetValues("X-Docker-Container-Path-Stat", out var v)
                ? JsonDocument.Parse(Convert.FromBase64String(v.First())).RootElement.Clone()
                : null;
        }
        catch (DaemonError e) when (e.IsNotFound)
        {
            // HEAD has no body: name the missing thing like docker (the container first, then the path).
            await client.GetJsonAsync($"/containers/{container}/json");
            return null;
        }
    }

    private static bool IsDir(JsonElement stat) => (stat.GetProperty("mode").GetUInt32() & (1u << 31)) != 0;

    private static async Task<long> FromContainer(EngineClient client, string container, string path, string dest, bool follow)
    {
        if (follow && await Stat(client, container, path) is { } st && st.GetProperty("linkTarget").GetString() is { Length: > 0 } target)
            path = target;
        await using var tar = await client.OpenStreamAsync(HttpMethod.Get, $"/containers/{container}/archive", new QueryString().Add("path", path));
        if (dest == "-")
        {
            await tar.CopyToAsync(Console.OpenStandardOutput());
            return 0;
        }
        // Copying "dir/." means its contents; otherwise the top entry takes the destination's name unless that is a directory.
        var contentsOnly = path.TrimEnd('/').EndsWith("/.") || path == ".";
        string into;
        string? rename = null;
        if (Directory.Exists(dest)) into = dest;
        else
        {
            if (dest.EndsWith('/')) throw new CliError($"berth: destination directory \"{dest}\" must exist", 1);
            into = Path.GetDirectoryName(Path.GetFullPath(dest))!;
            if (!Directory.Exists(into)) throw new CliError($"berth: destination directory \"{into}\" must exist", 1);
            if (contentsOnly) { Directory.CreateDirectory(dest); into = dest; }
            else rename = Path.GetFileName(Path.GetFullPath(dest));
        }
        return await ExtractLocally(tar, into, rename);
    }

    private static async Task<long> ExtractLocally(Stream tar, string into, string? renameTop)
    {
        var reader = new TarReader(tar);
        long bytes = 0;
        string? top = null;
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var name = entry.Name.TrimEnd('/');
            if (name.StartsWith("./")) name = name[2..];
            var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Contains("..")) continue;
            top ??= parts[0];
            if (renameTop != null && parts[0] == top) parts[0] = renameTop;
            var target = Path.Combine(into, Path.Combine(parts));
            if (entry.EntryType is TarEntryType.HardLink)
            {
                var link = entry.LinkName.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (link.Contains("..")) continue;
                if (renameTop != null && link.Length > 0 && link[0] == top) link[0] = renameTop;
                if (File.Exists(target)) File.Delete(target);
                File.Copy(Path.Combine(into, Path.Combine(link)), target);
                continue;
            }
            if (entry.EntryType is TarEntryType.Directory)
            {
                Directory.CreateDirectory(target);
                continue;
            }
            if (File.Exists(target) || new FileInfo(target).LinkTarget != null) File.Delete(target);
            await entry.ExtractToFileAsync(target, overwrite: true);
            bytes += entry.Length;
        }
        return bytes;
    }

    private static async Task<long> ToContainer(EngineClient client, string src, string container, string dest, bool archive, bool follow)
    {
        var q = new QueryString().Add("noOverwriteDirNonDir", "true").Flag("copyUIDGID", archive);
        if (src == "-")
        {
            var body = new StreamContent(Console.OpenStandardInput());
            using var put = await client.SendAsync(HttpMethod.Put, $"/containers/{container}/archive", q.Add("path", dest), body);
            return 0;
        }
        var full = Path.GetFullPath(src);
        if (!Path.Exists(full)) throw new CliError($"berth: lstat {full}: no such file or directory", 1);
        if (follow && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } resolved) full = resolved.FullName;
        var srcIsDir = Directory.Exists(full) && new FileInfo(full).LinkTarget == null;
        var contentsOnly = src.TrimEnd('/').EndsWith("/.") && srcIsDir;

        // Where the tar is unpacked, and under which name its top entry lands (docker's PrepareArchiveCopy).
        var stat = await Stat(client, container, dest);
        string into;
        string topName;
        if (stat is { } s && IsDir(s))
        {
            into = dest;
            topName = contentsOnly ? "." : Path.GetFileName(full.TrimEnd('/'));
        }
        else
        {
            if (stat == null && dest.EndsWith('/')) throw new CliError($"berth: Error response from daemon: Could not find the file {dest} in container {container}", 1);
            if (stat is not null && srcIsDir) throw new CliError($"berth: cannot copy a directory to a file: {dest}", 1);
            var trimmed = dest.TrimEnd('/');
            var slash = trimmed.LastIndexOf('/');
            into = slash <= 0 ? "/" : trimmed[..slash];
            topName = trimmed[(slash + 1)..];
            if (contentsOnly) { into = trimmed; topName = "."; }
        }

        var pipe = new System.IO.Pipelines.Pipe();
        long bytes = 0;
        var writing = Task.Run(async () =>
        {
            await using var stream = pipe.Writer.AsStream();
            bytes = await WriteTar(stream, full, topName);
        });
        using (var content = new StreamContent(pipe.Reader.AsStream()))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
            using var put = await client.SendAsync(HttpMethod.Put, $"/containers/{container}/archive", q.Add("path", into), content);
        }
        await writing;
        return bytes;
    }

    /// <summary>The tar carries the host owners; the daemon keeps them with -a (copyUIDGID) and makes root the owner otherwise.</summary>
    private static async Task<long> WriteTar(Stream output, string source, string topName)
    {
        long bytes = 0;
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        async Task Add(string path, string name)
        {
            await writer.WriteEntryAsync(path, name);
            var info = new FileInfo(path);
            if (info.LinkTarget == null && File.Exists(path)) bytes += info.Length;
            if (Directory.Exists(path) && info.LinkTarget == null)
                foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                    await Add(child, (name == "." ? "" : name + "/") + Path.GetFileName(child));
        }
        await Add(source, topName);
        return bytes;
    }
}
