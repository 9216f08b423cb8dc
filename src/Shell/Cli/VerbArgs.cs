namespace Berth.Shell.Cli;

/// <summary>One verb's flags (docker's spellings) and positional arguments, parsed like the docker CLI does.</summary>
public sealed class VerbArgs
{
    /// <summary>A flag: its spellings (e.g. "-f", "--force") and whether it takes a value.</summary>
    public sealed record Flag(string[] Names, bool TakesValue, string Help);

    private readonly Dictionary<string, List<string>> _values = new();

    public IReadOnlyList<string> Positionals { get; }

    private VerbArgs(List<string> positionals) => Positionals = positionals;

    public static Flag Bool(string help, params string[] names) => new(names, false, help);
    public static Flag Value(string help, params string[] names) => new(names, true, help);

    /// <summary>Parses <paramref name="args"/>; "--help" prints the usage and yields null; unknown flags are a CLI error (exit 125).</summary>
    public static VerbArgs? Parse(string usage, string[] args, params Flag[] flags)
    {
        var byName = flags.SelectMany(f => f.Names.Select(n => (n, f))).ToDictionary(x => x.n, x => x.f);
        var positionals = new List<string>();
        var result = new VerbArgs(positionals);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--") { positionals.AddRange(args[(i + 1)..]); break; }
            if (a == "--help" || (a == "-h" && !byName.ContainsKey("-h"))) { Console.WriteLine(Usage(usage, flags)); return null; }
            if (!a.StartsWith('-') || a == "-") { positionals.Add(a); continue; }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[..eq] : a;
            // Combined short booleans: -af = -a -f
            if (!byName.ContainsKey(name) && !a.StartsWith("--") && a.Length > 2 && a[1..].All(c => byName.TryGetValue("-" + c, out var sf) && !sf.TakesValue))
            {
                foreach (var c in a[1..]) result.Add(byName["-" + c], "true");
                continue;
            }
            if (!byName.TryGetValue(name, out var flag))
                throw new CliError($"unknown flag: {name}\nSee 'berth {usage.Split(' ')[0]} --help'.", 125);
            if (flag.TakesValue)
            {
                var value = eq > 0 ? a[(eq + 1)..] : i + 1 < args.Length ? args[++i] : throw new CliError($"flag needs an argument: {name}", 125);
                result.Add(flag, value);
            }
            else result.Add(flag, eq > 0 ? a[(eq + 1)..] : "true");
        }
        return result;
    }

    private void Add(Flag f, string v)
    {
        if (!_values.TryGetValue(f.Names[^1], out var list)) _values[f.Names[^1]] = list = [];
        list.Add(v);
    }

    public bool Has(string longName) => _values.TryGetValue(longName, out var v) && v[^1] is not ("false" or "0");
    public string? Get(string longName) => _values.TryGetValue(longName, out var v) ? v[^1] : null;
    public IReadOnlyList<string> All(string longName) => _values.TryGetValue(longName, out var v) ? v : [];

    public void RequireAtLeast(int n, string usage)
    {
        if (Positionals.Count < n)
            throw new CliError($"\"berth {usage.Split(' ')[0]}\" requires at least {n} argument{(n == 1 ? "" : "s")}.\nSee 'berth {usage.Split(' ')[0]} --help'.\n\nUsage:  berth {usage}", 1);
    }

    public void RequireExactly(int n, string usage)
    {
        if (Positionals.Count != n)
            throw new CliError($"\"berth {usage.Split(' ')[0]}\" requires exactly {n} argument{(n == 1 ? "" : "s")}.\nSee 'berth {usage.Split(' ')[0]} --help'.\n\nUsage:  berth {usage}", 1);
    }

    private static string Usage(string usage, Flag[] flags) =>
        $"Usage:  berth {usage}\n\nOptions:\n" + string.Join("\n", flags.Select(f =>
            $"  {string.Join(", ", f.Names),-24}{(f.TakesValue ? " string" : "       ")}  {f.Help}"));
}
