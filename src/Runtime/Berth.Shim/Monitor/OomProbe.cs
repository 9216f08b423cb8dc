namespace Berth.Shim.Monitor;

/// <summary>Reads the container's memory cgroup OOM-kill counter (v1 memory.oom_control or v2 memory.events).</summary>
internal sealed class OomProbe
{
    private readonly string? _file;
    private readonly long _baseline;

    private OomProbe(string? file)
    {
        _file = file;
        _baseline = Count() ?? 0;
    }

    /// <summary>Locates the memory cgroup of <paramref name="pid"/> while it is alive; a probe that finds nothing says "not OOM-killed".</summary>
    public static OomProbe For(int pid)
    {
        try
        {
            string? v2 = null;
            foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                if (parts[1].Split(',').Contains("memory"))
                    return new OomProbe($"/sys/fs/cgroup/memory{parts[2]}/memory.oom_control");
                if (parts[0] == "0" && parts[1].Length == 0) v2 = $"/sys/fs/cgroup{parts[2]}/memory.events";
            }
            return new OomProbe(v2 != null && File.Exists(v2) ? v2 : null);
        }
        catch (IOException)
        {
            return new OomProbe(null); // init already gone: nothing to read
        }
    }

    public bool OomKilled() => Count() is { } n && n > _baseline;

    private long? Count()
    {
        if (_file == null) return null;
        try
        {
            foreach (var line in File.ReadAllLines(_file))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(9), out var n))
                    return n;
        }
        catch (IOException)
        {
        }
        return null;
    }
}
