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
        if (Duration().Match(v) is { Success: true } d) return now - GoDuration(d);
        if (decimal.TryParse(v, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        // Without a zone docker reads local time; this daemon runs in UTC like its containers.
        if (DateTimeOffset.TryParseExact(v, Layouts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw ApiException.BadRequest($"failed to parse value as time or duration: \"{value}\"");
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
