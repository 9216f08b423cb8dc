namespace Berth.Runtime.Cli;

/// <summary>runc-style arguments: global flags, a command, then its flags and positionals in any order.</summary>
public sealed class CommandLine
{
    private static readonly HashSet<string> GlobalValueFlags = ["--root", "--log", "--log-format", "--criu", "--rootless"];
    private static readonly HashSet<string> GlobalBoolFlags = ["--debug", "--systemd-cgroup", "--help", "-h", "--version", "-v"];

    // Flags that take a value, per command; everything else starting with '-' is a switch.
    private static readonly HashSet<string> ValueFlags =
    [
        "--bundle", "-b", "--pid-file", "--console-socket", "--preserve-fds", "--process", "-p", "--format", "-f",
        "--cwd", "--env", "-e", "--user", "-u", "--additional-gids", "-g", "--cap", "-c", "--process-label",
        "--apparmor", "--cgroup",
    ];

    public Dictionary<string, string> Globals { get; } = [];
    public string? Command { get; private set; }
    public Dictionary<string, List<string>> Flags { get; } = [];
    public List<string> Positionals { get; } = [];

    public static CommandLine Parse(string[] args)
    {
        var c = new CommandLine();
        var i = 0;
        for (; i < args.Length && c.Command == null; i++)
        {
            var (name, inline) = Split(args[i]);
            if (GlobalValueFlags.Contains(name)) c.Globals[name] = inline ?? Next(args, ref i, name);
            else if (GlobalBoolFlags.Contains(name)) c.Globals[name] = inline ?? "true";
            else if (name.StartsWith('-')) throw new UsageException($"unknown global flag {name}");
            else c.Command = args[i];
        }
        var rest = false;
        for (; i < args.Length; i++)
        {
            if (rest || !args[i].StartsWith('-') || args[i] == "-") { c.Positionals.Add(args[i]); if (c.Positionals.Count >= 1 && c.Command == "exec") rest = c.Positionals.Count >= 2; continue; }
            if (args[i] == "--") { rest = true; continue; }
            var (name, inline) = Split(args[i]);
            // -f is --force for delete but --format for list and ps, as in runc.
            var takesValue = ValueFlags.Contains(name) && !(name == "-f" && c.Command == "delete");
            var value = takesValue ? inline ?? Next(args, ref i, name) : inline ?? "true";
            if (!c.Flags.TryGetValue(name, out var list)) c.Flags[name] = list = [];
            list.Add(value);
        }
        return c;
    }

    private static (string Name, string? Inline) Split(string a)
    {
        if (!a.StartsWith("--", StringComparison.Ordinal)) return (a, null);
        var eq = a.IndexOf('=');
        return eq < 0 ? (a, null) : (a[..eq], a[(eq + 1)..]);
    }

    private static string Next(string[] args, ref int i, string name) =>
        ++i < args.Length ? args[i] : throw new UsageException($"flag {name} needs a value");

    public string? Flag(params string[] names)
    {
        foreach (var n in names) if (Flags.TryGetValue(n, out var v)) return v[^1];
        return null;
    }

    public List<string> FlagAll(params string[] names) => names.SelectMany(n => Flags.TryGetValue(n, out var v) ? v : []).ToList();

    public bool Switch(params string[] names) => names.Any(n => Flags.TryGetValue(n, out var v) && v[^1] is not "false");

    /// <summary>The container id: the first positional, required.</summary>
    public string Id => Positionals.Count > 0 ? Positionals[0] : throw new UsageException($"\"{Command}\" requires a container id");

    public int IntFlag(string name, int def)
    {
        var v = Flag(name);
        if (v == null) return def;
        return int.TryParse(v, out var n) && n >= 0 ? n : throw new UsageException($"flag {name}: \"{v}\" is not a non-negative number");
    }
}

/// <summary>Wrong command-line usage.</summary>
public sealed class UsageException(string message) : Exception(message);
