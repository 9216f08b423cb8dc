using Berth.Shell.Commands;

namespace Berth.Shell.Cli;

/// <summary>berth's entry: global flags, then one verb from the table; errors become docker's exit codes.</summary>
public static class CommandLine
{
    /// <summary>A verb: its name(s), one-line help, and what it does with its arguments.</summary>
    public sealed record Verb(string Name, string Summary, Func<GlobalOptions, string[], Task<int>> Run, params string[] Aliases);

    public static readonly IReadOnlyList<Verb> Verbs =
    [
        new("up", "Start berthd if it is not running (--data-root, --exec-root) and show how to use it", SystemCommands.Up),
        new("version", "Show the berth version information", SystemCommands.Version),
        new("info", "Display system-wide information", SystemCommands.Info),
        new("run", "Create and run a new container from an image", ContainerCommands.Run),
        new("create", "Create a new container", ContainerCommands.CreateVerb),
        new("start", "Start one or more stopped containers", ContainerCommands.Start),
        new("stop", "Stop one or more running containers", ContainerCommands.Stop),
        new("restart", "Restart one or more containers", ContainerCommands.Restart),
        new("kill", "Kill one or more running containers", ContainerCommands.Kill),
        new("rm", "Remove one or more containers", ContainerCommands.Remove),
        new("ps", "List containers", ContainerCommands.List),
        new("logs", "Fetch the logs of a container", ContainerCommands.Logs),
        new("exec", "Execute a command in a running container", ExecCommands.Exec),
        new("wait", "Block until one or more containers stop, then print their exit codes", ContainerCommands.Wait),
        new("inspect", "Return low-level information on berth objects", ContainerCommands.Inspect),
        new("rename", "Rename a container", ContainerCommands.Rename),
        new("pause", "Pause all processes within one or more containers", ContainerCommands.Pause),
        new("unpause", "Unpause all processes within one or more containers", ContainerCommands.Unpause),
        new("top", "Display the running processes of a container", MonitoringCommands.Top),
        new("stats", "Display a live stream of container(s) resource usage statistics", MonitoringCommands.Stats),
        new("update", "Update configuration of one or more containers", UpdateCommands.Update),
        new("cp", "Copy files/folders between a container and the local filesystem", FileCommands.Copy),
        new("diff", "Inspect changes to files or directories on a container's filesystem", FileCommands.Diff),
        new("export", "Export a container's filesystem as a tar archive", FileCommands.Export),
        new("attach", "Attach local standard input, output, and error streams to a running container", StreamCommands.Attach),
        new("events", "Get real time events from the server", StreamCommands.Events),
        new("container", "Manage containers (ls, inspect, run, start, stop, rm, logs, ...)", Container),
        new("images", "List images", ImageCommands.List),
        new("image", "Manage images (ls, inspect, history, tag, rm, prune, import, save, load)", Image),
        new("history", "Show the history of an image", ImageCommands.History),
        new("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", ImageCommands.Tag),
        new("rmi", "Remove one or more images", ImageCommands.Remove),
        new("import", "Import the contents from a tarball to create a filesystem image", ImageCommands.Import),
        new("save", "Save one or more images to a tar archive (streamed to STDOUT by default)", ImageCommands.Save),
        new("load", "Load an image from a tar archive or STDIN", ImageCommands.Load),
    ];

    private static readonly Dictionary<string, Func<GlobalOptions, string[], Task<int>>> ImageVerbs = new()
    {
        ["ls"] = ImageCommands.List, ["list"] = ImageCommands.List, ["inspect"] = ImageCommands.Inspect,
        ["history"] = ImageCommands.History, ["tag"] = ImageCommands.Tag, ["rm"] = ImageCommands.Remove,
        ["remove"] = ImageCommands.Remove, ["prune"] = ImageCommands.Prune, ["import"] = ImageCommands.Import,
        ["save"] = ImageCommands.Save, ["load"] = ImageCommands.Load,
    };

    private static readonly Dictionary<string, Func<GlobalOptions, string[], Task<int>>> ContainerVerbs = new()
    {
        ["ls"] = ContainerCommands.List, ["list"] = ContainerCommands.List, ["ps"] = ContainerCommands.List,
        ["inspect"] = ContainerCommands.InspectContainer, ["run"] = ContainerCommands.Run, ["create"] = ContainerCommands.CreateVerb,
        ["start"] = ContainerCommands.Start, ["stop"] = ContainerCommands.Stop, ["restart"] = ContainerCommands.Restart,
        ["kill"] = ContainerCommands.Kill, ["rm"] = ContainerCommands.Remove, ["remove"] = ContainerCommands.Remove,
        ["logs"] = ContainerCommands.Logs, ["wait"] = ContainerCommands.Wait, ["rename"] = ContainerCommands.Rename,
        ["pause"] = ContainerCommands.Pause, ["unpause"] = ContainerCommands.Unpause,
        ["top"] = MonitoringCommands.Top, ["stats"] = MonitoringCommands.Stats, ["update"] = UpdateCommands.Update, ["prune"] = ContainerCommands.Prune,
        ["exec"] = ExecCommands.Exec,
        ["cp"] = FileCommands.Copy,
        ["diff"] = FileCommands.Diff,
        ["export"] = FileCommands.Export,
        ["attach"] = StreamCommands.Attach,
    };

    private static Task<int> Container(GlobalOptions g, string[] args) =>
        args.Length > 0 && ContainerVerbs.TryGetValue(args[0], out var run) ? run(g, args[1..])
            : throw new CliError(args.Length == 0
                ? "Usage:  berth container COMMAND\n\nCommands: " + string.Join(", ", ContainerVerbs.Keys)
                : $"berth: 'container {args[0]}' is not a berth command.\nSee 'berth container --help'", 1);

    private static Task<int> Image(GlobalOptions g, string[] args) =>
        args.Length > 0 && ImageVerbs.TryGetValue(args[0], out var run) ? run(g, args[1..])
            : throw new CliError(args.Length == 0
                ? "Usage:  berth image COMMAND\n\nCommands: " + string.Join(", ", ImageVerbs.Keys)
                : $"berth: 'image {args[0]}' is not a berth command.\nSee 'berth image --help'", 1);

    public static async Task<int> Run(string[] args)
    {
        try
        {
            var (options, rest) = GlobalOptions.Parse(args);
            if (rest.Length == 0 || rest[0] is "help")
            {
                Console.WriteLine(Usage());
                return rest.Length == 0 ? 0 : 0;
            }
            if (rest[0] == "--version")
            {
                Console.WriteLine($"berth version {SystemCommands.ClientVersion}");
                return 0;
            }
            var verb = Verbs.FirstOrDefault(v => v.Name == rest[0] || v.Aliases.Contains(rest[0]))
                ?? throw new CliError($"berth: '{rest[0]}' is not a berth command.\nSee 'berth --help'", 1);
            return await verb.Run(options, rest[1..]);
        }
        catch (CliError e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (Client.DaemonError e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Client.DaemonUnreachableError e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Client.JsonStreamError e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (Berth.Templates.TemplateException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static string Usage() =>
        "Usage:  berth [OPTIONS] COMMAND\n\nA container platform that speaks the Docker Engine API\n\nCommands:\n" +
        string.Join("\n", Verbs.Select(v => $"  {v.Name,-12}{v.Summary}")) +
        "\n\nGlobal Options:\n  -H, --host string   Daemon socket to connect to (BERTH_HOST, DOCKER_HOST, default unix:///run/berth/berth.sock)\n" +
        "  -D, --debug         Enable debug mode\n      --tlsverify     Use TLS and verify the remote\n  -v, --version       Print version information and quit\n";
}
