using System.Runtime.InteropServices;
using System.Text.Json;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using Berth.Shell.Terminal;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker attach and docker events: long-lived streams from the daemon.</summary>
public static class StreamCommands
{
    public static async Task<int> Attach(GlobalOptions g, string[] args)
    {
        const string usage = "attach [OPTIONS] CONTAINER";
        var a = VerbArgs.Parse(usage, args,
            Value("Override the key sequence for detaching a container", "--detach-keys"),
            Bool("Do not attach STDIN", "--no-stdin"),
            Value("Proxy all received signals to the process (default true)", "--sig-proxy"));
        if (a == null) return 0;
        a.RequireExactly(1, usage);
        var keysText = a.Get("--detach-keys") ?? DetachKeys.Default;
        byte[] keys;
        try { keys = DetachKeys.Parse(keysText); }
        catch (FormatException) { throw new CliError($"berth: {DetachKeys.InvalidMessage(keysText)}", 1); }

        using var client = Session.Connect(g);
        var name = a.Positionals[0];
        // docker attach asks for the exit first, so an exit between attach and wait is not missed.
        using var wait = await client.SendAsync(HttpMethod.Post, $"/containers/{name}/wait", null, null);
        var c = await client.GetJsonAsync($"/containers/{name}/json");
        var state = c.GetProperty("State");
        if (state.GetProperty("Paused").GetBoolean()) throw new CliError("berth: You cannot attach to a paused container, unpause it first", 1);
        if (!state.GetProperty("Running").GetBoolean()) throw new CliError("berth: You cannot attach to a stopped container, start it first", 1);
        var id = c.GetProperty("Id").GetString()!;
        var config = c.GetProperty("Config");
        var tty = config.GetProperty("Tty").GetBoolean();
        var stdin = !a.Has("--no-stdin") && config.GetProperty("OpenStdin").GetBoolean();

        var q = new QueryString().Add("stream", "1").Add("stdout", "1").Add("stderr", "1").Flag("stdin", stdin);
        if (a.Get("--detach-keys") is { } dk) q.Add("detachKeys", dk);
        await using var conn = await client.HijackAsync($"/containers/{id}/attach", q);
        using var raw = tty && stdin && TerminalInfo.IsTerminal(0) ? RawTerminal.Enable(0) : null;
        using var resizer = tty && TerminalInfo.IsTerminal(1) ? await TtyResizer.StartAsync(client, $"/containers/{id}/resize") : null;
        using var signals = !tty && a.Get("--sig-proxy") is not ("false" or "0") ? SignalProxy.Start(client, id) : null;
        if (await AttachStreams.RunOnConsoleAsync(conn, tty, stdin, keys, raw)) return 1;
        var body = JsonDocument.Parse(await wait.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("StatusCode").GetInt32();
    }

    /// <summary>--sig-proxy: SIGINT, SIGTERM, SIGQUIT and SIGHUP go to the container as kill requests instead of ending berth.</summary>
    private sealed class SignalProxy : IDisposable
    {
        private readonly List<PosixSignalRegistration> _registrations = [];

        public static SignalProxy Start(EngineClient client, string id)
        {
            var proxy = new SignalProxy();
            foreach (var (signal, name) in new[] { (PosixSignal.SIGINT, "INT"), (PosixSignal.SIGTERM, "TERM"), (PosixSignal.SIGQUIT, "QUIT"), (PosixSignal.SIGHUP, "HUP") })
                proxy._registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
                {
                    ctx.Cancel = true;
                    _ = client.PostAsync($"/containers/{id}/kill", new QueryString().Add("signal", name)).ContinueWith(_ => { });
                }));
            return proxy;
        }

        public void Dispose()
        {
            foreach (var r in _registrations) r.Dispose();
        }
    }

    public static async Task<int> Events(GlobalOptions g, string[] args)
    {
        const string usage = "events [OPTIONS]";
        var a = VerbArgs.Parse(usage, args,
            Value("Filter output based on conditions provided", "-f", "--filter"),
            Value("Format output using a custom template", "--format"),
            Value("Show all events created since timestamp", "--since"),
            Value("Stream events until this timestamp", "--until"));
        if (a == null) return 0;
        a.RequireExactly(0, usage);
        var now = DateTimeOffset.Now;
        var q = new QueryString();
        try
        {
            if (a.Get("--since") is { } since) q.Add("since", Timestamps.ToApiValue(since, now));
            if (a.Get("--until") is { } until) q.Add("until", Timestamps.ToApiValue(until, now));
        }
        catch (FormatException e) { throw new CliError($"berth: {e.Message}", 1); }
        q.Filters(ImageCommands.ParseFilters(a.All("--filter")));
        var format = a.Get("--format") is { Length: > 0 } f ? f : null;
        var template = format is null or "json" ? null : OutputFormat.Parse(format);
        using var client = Session.Connect(g);
        await using var stream = await client.OpenStreamAsync(HttpMethod.Get, "/events", q);
        using var reader = new StreamReader(stream);
        var stdout = Console.Out;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            var text = format == "json" ? JsonSerializer.Serialize(e)
                : template != null ? template.Render([EventLine.TemplateData(e)]).TrimEnd('\n')
                : EventLine.Default(e, TimeZoneInfo.Local);
            await stdout.WriteLineAsync(text);
            await stdout.FlushAsync();
        }
        return 0;
    }
}
