using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Berth.Host.Api;

/// <summary>docker top's {Titles, Processes}.</summary>
public sealed record TopResult(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

/// <summary>
/// docker top: the host's ps with the client's ps_args, narrowed to the container's pids. The parsing is pure so its
/// rules (PID column, the command joined back into the last column) are specified on sample output.
/// </summary>
public static partial class ProcessTable
{
    public const string DefaultArgs = "-ef";

    /// <summary>Refuses what would let ps rename the PID column (dockerd's validatePSArgs).</summary>
    public static string? Validate(string psArgs)
    {
        foreach (Match m in RenamedPid().Matches(psArgs))
            if (m.Groups[1].Value != "pid") return $"specifying \"{m.Groups[1].Value}={m.Groups[2].Value}\" is not allowed";
        return null;
    }

    /// <summary>Runs ps; the container's pids are passed with -q first, and without it when ps refuses the combination.</summary>
    public static async Task<TopResult> Run(string psArgs, IReadOnlyList<int> pids, CancellationToken ct)
    {
        var args = psArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (code, output, error) = await Ps([.. args, "-q", string.Join(',', pids)], ct);
        if (code != 0) (code, output, error) = await Ps(args, ct);
        if (code != 0)
        {
            var first = error.Split('\n')[0];
            throw ApiException.Internal("ps: " + (first.Length > 0 ? first : $"exit status {code}"));
        }
        return Parse(output, pids);
    }

    public static TopResult Parse(string output, IReadOnlyCollection<int> pids)
    {
        var lines = output.Split('\n');
        var titles = Fields(lines[0]);
        var pidIndex = Array.IndexOf(titles, "PID");
        if (pidIndex < 0) throw ApiException.Internal("Couldn't find PID field in ps output");
        var processes = new List<IReadOnlyList<string>>();
        var keepThreads = false;
        foreach (var line in lines.Skip(1))
        {
            var fields = Fields(line);
            if (fields.Length <= pidIndex) continue;
            // "-" is a thread row (ps -L / H): it belongs to the process row above.
            var keep = fields[pidIndex] == "-" ? keepThreads : int.TryParse(fields[pidIndex], out var pid) && pids.Contains(pid);
            if (fields[pidIndex] != "-") keepThreads = keep;
            if (!keep) continue;
            var row = fields.Take(titles.Length - 1).ToList();
            row.Add(string.Join(' ', fields.Skip(titles.Length - 1)));
            processes.Add(row);
        }
        return new TopResult(titles, processes);
    }

    /// <summary>ASCII whitespace only, as dockerd splits (a command may contain other spaces).</summary>
    private static string[] Fields(string line) => line.Split([' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);

    private static async Task<(int Code, string Output, string Error)> Ps(IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw ApiException.Internal("ps: could not be started");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"\s+([^\s]*)=\s*(PID[^\s]*)")]
    private static partial Regex RenamedPid();
}
