using System.Globalization;
using System.Text.RegularExpressions;

namespace Berth.Host.Api;

/// <summary>docker's timestamp arguments (prune until, since/until): Unix seconds[.nanos], RFC 3339 / date forms, or a Go duration back from now.</summary>
public static partial class TimeFilter
{
    private static readonly string[] Layouts =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH", "yyyy-MM-dd",
    ];

    public static DateTimeOffset Parse(string value, DateTimeOffset now)
    {
        var v = value.Trim();
        if (Duration().Match(v) is { Success: true } d) return BackFrom(now, d);
        if (TryParseUnix(v, out var seconds, out var nanos)) return UnixToDate(seconds, nanos);
        // Without a zone docker reads local time; this daemon runs in UTC like its containers.
        if (DateTimeOffset.TryParseExact(v, Layouts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw ApiException.BadRequest($"failed to parse value as time or duration: \"{value}\"");
    }

    /// <summary>
    /// docker's wire timestamp (logs and events since/until): unix seconds with an optional fraction, "1700000000.000000000",
    /// as timetypes.ParseTimestamps reads it (the fraction's first nine digits are nanoseconds).
    /// </summary>
    public static bool TryParseUnix(string value, out long seconds, out long nanos)
    {
        nanos = 0;
        var parts = value.Split('.', 2);
        if (!long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seconds)) return false;
        if (parts.Length == 1) return true;
        var fraction = parts[1];
        if (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit)) return false;
        nanos = long.Parse(fraction.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>A unix time as a date; beyond what DateTimeOffset holds (years 1 to 9999) it saturates, as "forever" or "always".</summary>
    public static DateTimeOffset UnixToDate(long seconds, long nanos)
    {
        if (seconds >= DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return DateTimeOffset.MaxValue;
        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds()) return DateTimeOffset.MinValue;
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
    }

    /// <summary>A unix time in nanoseconds, saturating at the ends of long instead of wrapping around.</summary>
    public static long UnixToNanos(long seconds, long nanos)
    {
        const long perSecond = 1_000_000_000;
        if (seconds > (long.MaxValue - nanos) / perSecond) return long.MaxValue;
        if (seconds < long.MinValue / perSecond + 1) return long.MinValue;
        return seconds * perSecond + nanos;
    }

    /// <summary>A duration longer than the calendar reaches back to its beginning.</summary>
    private static DateTimeOffset BackFrom(DateTimeOffset now, Match duration)
    {
        try { return now - GoDuration(duration); }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException) { return DateTimeOffset.MinValue; }
    }

    private static TimeSpan GoDuration(Match m)
    {
        var total = TimeSpan.Zero;
        foreach (Capture c in m.Groups["part"].Captures)
        {
            var unit = c.Value.TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');
            var number = double.Parse(c.Value[..^unit.Length], CultureInfo.InvariantCulture);
            total += unit switch
            {
                "h" => TimeSpan.FromHours(number), "m" => TimeSpan.FromMinutes(number), "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number), "us" or "µs" => TimeSpan.FromMicroseconds(number),
                _ => TimeSpan.FromTicks((long)(number / 100)),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$")]
    private static partial Regex Duration();
}
