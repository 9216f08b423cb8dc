using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker top and docker stats over the Engine API.</summary>
public static class MonitoringCommands
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
}
