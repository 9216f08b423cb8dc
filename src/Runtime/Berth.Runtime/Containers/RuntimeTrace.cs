using System.Diagnostics;

namespace Berth.Runtime.Containers;

/// <summary>BERTH_RUNTIME_TRACE=1 prints the elapsed time of each lifecycle phase to stderr (for benchmarking).</summary>
public static class RuntimeTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("BERTH_RUNTIME_TRACE") == "1";
    private static readonly long Start = Stopwatch.GetTimestamp();

    public static void Mark(string phase)
    {
        if (Enabled) Console.Error.WriteLine($"trace {Stopwatch.GetElapsedTime(Start).TotalMilliseconds,8:F3} ms {phase}");
    }
}
