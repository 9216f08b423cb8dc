namespace Berth.Runtime.Containers;

/// <summary>Reads /proc/&lt;pid&gt;/stat: the process state and its start time.</summary>
public static class ProcStat
{
    /// <summary>(state letter, start time in ticks), or null when the process does not exist.</summary>
    public static (char State, ulong StartTime)? Read(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        // The command name may contain spaces and parentheses: fields start after the last ')'.
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        return (fields[0][0], ulong.Parse(fields[19]));
    }

    /// <summary>Whether pid still is the process that started at startTime and has not exited.</summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        pid > 0 && Read(pid) is { } s && s.StartTime == startTime && s.State is not ('Z' or 'X');
}
