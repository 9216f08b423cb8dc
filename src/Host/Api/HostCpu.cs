namespace Berth.Host.Api;

/// <summary>The host-wide numbers docker stats puts next to a container's: system CPU time, online CPUs, total memory.</summary>
public static class HostCpu
{
    private const long NanosPerTick = 1_000_000_000 / 100; // USER_HZ

    /// <summary>/proc/stat's "cpu" line (user..softirq) in nanoseconds, like dockerd's getSystemCPUUsage.</summary>
    public static long SystemUsageNanos() => SystemUsageNanos(File.ReadAllLines("/proc/stat"));

    public static long SystemUsageNanos(IEnumerable<string> procStat)
    {
        var line = procStat.FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal))
            ?? throw new InvalidDataException("/proc/stat has no cpu line");
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(7).Select(long.Parse);
        return fields.Sum() * NanosPerTick;
    }

    /// <summary>The number of "cpuN" lines in /proc/stat.</summary>
    public static int OnlineCpus() => File.ReadLines("/proc/stat").Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));

    /// <summary>MemTotal in bytes: docker reports it as the limit of a container without one.</summary>
    public static long MachineMemory()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
