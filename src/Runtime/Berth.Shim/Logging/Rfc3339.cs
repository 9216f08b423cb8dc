using System.Globalization;
using Berth.Runtime.Native;

namespace Berth.Shim.Logging;

/// <summary>Timestamps as docker writes them: UTC RFC3339 with exactly nine fraction digits.</summary>
public static class Rfc3339
{
    /// <summary>Now, with the kernel's nanoseconds.</summary>
    public static string Now()
    {
        var (seconds, nanos) = Processes.RealTime();
        return Format(seconds, nanos);
    }

    public static string Format(long unixSeconds, long nanos) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
        + "." + nanos.ToString("D9", CultureInfo.InvariantCulture) + "Z";
}
