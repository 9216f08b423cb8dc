using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Terminal;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>`berth exec` (and `berth container exec`): docker's flow of exec create, start (hijacked or detached), resize, inspect.</summary>
public static class ExecCommands
{
    private const string Usage = "exec [OPTIONS] CONTAINER COMMAND [ARG...]";

    private static readonly Flag[] Flags =
    [
        Bool("Detached mode: run command in the background", "-d", "--detach"),
        Value("Override the key sequence for detaching a container", "--detach-keys"),
        Value("Set environment variables", "-e", "--env"),
        Value("Read in a file of environment variables", "--env-file"),
        Bool("Keep STDIN open even if not attached", "-i", "--interactive"),
        Bool("Give extended privileges to the command", "--privileged"),
        Bool("Allocate a pseudo-TTY", "-t", "--tty"),
        Value("Username or UID (format: \"<name|uid>[:<group|gid>]\")", "-u", "--user"),
        Value("Working directory inside the container", "-w", "--workdir"),
    ];

    public static async Task<int> Exec(GlobalOptions g, string[] args)
    {
        var a = Parse(args);
        if (a == null) return 0;
        if (a.Positionals.Count < 2)
            throw new CliError($"\"berth exec\" requires at least 2 arguments.\nSee 'berth exec --help'.\n\nUsage:  berth {Usage}", 1);
        // The daemon judges the keys at exec create and refuses bad ones with docker's message (as the docker CLI leaves it to dockerd).
        var detachKeys = a.Get("--detach-keys");
        var container = a.Positionals[0];
        var tty = a.Has("--tty");
        var interactive = a.Has("--interactive");
        var detach = a.Has("--detach");

        using var client = Session.Connect(g);
        var id = await CreateAsync(client, container, a, tty, interactive, detach, detachKeys);
        if (detach)
        {
            await StartDetachedAsync(client, id);
            return 0;
        }
        return await RunAttachedAsync(client, id, tty, interactive, detachKeys);
    }

    /// <summary>Flags stop at the container name: everything after it is the command line, flags included.</summary>
    private static VerbArgs? Parse(string[] args)
    {
        var withValue = Flags.Where(f => f.TakesValue).SelectMany(f => f.Names).ToHashSet();
        var split = 0;
        for (; split < args.Length; split++)
        {
            var x = args[split];
            if (x == "--") { split++; break; }
            if (!x.StartsWith('-') || x == "-") break;
            if (withValue.Contains(x)) split++;
        }
        split = Math.Min(split, args.Length);
        // The container name is the first positional; "--" after it keeps the command's own flags away from ours.
        var rest = args[split..];
        return VerbArgs.Parse(Usage, [.. args[..split], .. rest.Take(1), "--", .. rest.Skip(1)], Flags);
    }

    private static async Task<string> CreateAsync(EngineClient client, string container, VerbArgs a, bool tty, bool interactive, bool detach,
        string? detachKeys)
    {
        var env = new List<string>();
        foreach (var file in a.All("--env-file")) env.AddRange(RunOptions.EnvFile(file));
        foreach (var e in a.All("--env")) env.Add(e.Contains('=') ? e : Environment.GetEnvironmentVariable(e) is { } v ? $"{e}={v}" : e);
        var body = new JsonObject
        {
            ["User"] = a.Get("--user") ?? "",
            ["Privileged"] = a.Has("--privileged"),
            ["Tty"] = tty,
            ["AttachStdin"] = interactive && !detach,
            ["AttachStderr"] = !detach,
            ["AttachStdout"] = !detach,
            ["Detach"] = detach,
            ["DetachKeys"] = detachKeys ?? "",
            ["Env"] = env.Count > 0 ? new JsonArray(env.Select(x => (JsonNode?)x).ToArray()) : null,
            ["WorkingDir"] = a.Get("--workdir") ?? "",
            ["Cmd"] = new JsonArray(a.Positionals.Skip(1).Select(x => (JsonNode?)x).ToArray()),
        };
        try
        {
            var created = await client.PostJsonAsync<JsonElement>($"/containers/{container}/exec", null, body);
            return created.GetProperty("Id").GetString()!;
        }
        catch (DaemonError e)
        {
            throw new CliError(e.Message, 1);
        }
    }

    private static async Task StartDetachedAsync(EngineClient client, string id)
    {
        try { await client.PostAsync($"/exec/{id}/start", null, new JsonObject { ["Detach"] = true, ["Tty"] = false }); }
        catch (DaemonError e) { throw new CliError(e.Message, 1); }
    }

    /// <summary>Hijacked start, raw terminal and resize for -it, then the exit code from the exec's inspect (as docker does).</summary>
    private static async Task<int> RunAttachedAsync(EngineClient client, string id, bool tty, bool interactive, string? detachKeys)
    {
        HijackedConnection conn;
        try { conn = await client.HijackAsync($"/exec/{id}/start", null, new JsonObject { ["Detach"] = false, ["Tty"] = tty }); }
        catch (DaemonError e) { throw new CliError(e.Message, 1); }
        await using (conn)
        {
            using var raw = tty && interactive && TerminalInfo.IsTerminal(0) ? RawTerminal.Enable(0) : null;
            using var resizer = tty && TerminalInfo.IsTerminal(1) ? await TtyResizer.StartAsync(client, $"/exec/{id}/resize") : null;
            var keys = DetachKeys.Parse(detachKeys ?? DetachKeys.Default);
            if (await AttachStreams.RunOnConsoleAsync(conn, tty, interactive, keys, raw)) return 0;
        }
        var inspect = await client.GetJsonAsync($"/exec/{id}/json");
        return inspect.GetProperty("ExitCode") is { ValueKind: JsonValueKind.Number } code ? code.GetInt32() : 0;
    }
}
