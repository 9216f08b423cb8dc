namespace Berth.Runtime.Containers;

/// <summary>Signal names (SIGKILL, KILL, kill) and numbers, as `kill` accepts them.</summary>
public static class Signals
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
        "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Parses a name or number; throws RuntimeError for anything else.</summary>
    public static int Parse(string s)
    {
        if (int.TryParse(s, out var n))
            return n is > 0 and <= 64 ? n : throw new RuntimeError($"invalid signal \"{s}\": not between 1 and 64");
        var name = s.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        if (name == "IOT") return 6;
        if (name == "POLL") return 29;
        if (name.StartsWith("RTMIN", StringComparison.Ordinal)) return 34 + Offset(name[5..], s);
        if (name.StartsWith("RTMAX", StringComparison.Ordinal)) return 64 + Offset(name[5..], s);
        var i = Array.IndexOf(Names, name);
        return i > 0 ? i : throw new RuntimeError($"invalid signal \"{s}\": unknown signal name");
    }

    private static int Offset(string rest, string original) =>
        rest.Length == 0 ? 0 : int.TryParse(rest, out var o) && o is >= -30 and <= 30 ? o : throw new RuntimeError($"invalid signal \"{original}\"");
}
