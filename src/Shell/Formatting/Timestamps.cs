using System.Globalization;

namespace Berth.Shell.Formatting;

/// <summary>The docker CLI's --since/--until conversion (timetypes.GetTimestamp): what the API receives as "since=".</summary>
public static class Timestamps
{
    /// <summary>
    /// "10m" → unix seconds of now-10m; RFC3339 / date forms → "seconds.nanoseconds"; a unix timestamp passes through.
    /// Throws FormatException with docker's wording when nothing matches.
    /// </summary>
    public static string ToApiValue(string value, DateTimeOffset now)
    {
        if (value != "0" && GoDuration.TryParse(value, out var d))
            return (now - d).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var inLocation = !(value.IndexOfAny(['z', 'Z', '+']) >= 0 || value.Count(c => c == '-') == 3);
        // .NET parses at most 7 fraction digits; Go keeps nanoseconds, so the fraction is taken apart here.
        var nanos = 0L;
        var withoutFraction = value;
        var fraction = System.Text.RegularExpressions.Regex.Match(value, @"\.(\d{1,9})");
        if (fraction.Success)
        {
            nanos = long.Parse(fraction.Groups[1].Value.PadRight(9, '0'), CultureInfo.InvariantCulture);
            withoutFraction = value.Remove(fraction.Index, fraction.Length);
        }
        if (TryParseDate(withoutFraction, inLocation, now.Offset, out var t))
            return $"{t.ToUnixTimeSeconds()}.{nanos:D9}";
        if (value.Contains('-'))
            throw new FormatException($"parsing time \"{value}\": cannot parse as a date or RFC3339 time");
        if (!IsUnixTimestamp(value))
            throw new FormatException($"failed to parse value as time or duration: \"{value}\"");
        return value;
    }

    private static bool IsUnixTimestamp(string value)
    {
        var parts = value.Split('.', 2);
        return parts[0].Length > 0 && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            && (parts.Length == 1 || (parts[1].Length > 0 && parts[1].All(char.IsAsciiDigit)));
    }

    private static bool TryParseDate(string value, bool inLocation, TimeSpan localOffset, out DateTimeOffset result)
    {
        result = default;
        string[] formats;
        if (value.Contains('T'))
        {
            var colons = value.Count(c => c == ':');
            if (!inLocation && value.IndexOfAny(['z', 'Z']) < 0 && colons > 0) colons--;
            formats = (inLocation, colons) switch
            {
                (true, 0) => ["yyyy-MM-ddTHH"],
                (true, 1) => ["yyyy-MM-ddTHH:mm"],
                (true, _) => ["yyyy-MM-ddTHH:mm:ss"],
                (false, 0) => ["yyyy-MM-ddTHHK"],
                (false, 1) => ["yyyy-MM-ddTHH:mmK"],
                _ => ["yyyy-MM-ddTHH:mm:ssK"],
            };
        }
        else
            formats = inLocation ? ["yyyy-MM-dd"] : ["yyyy-MM-ddK"];

        if (inLocation)
        {
            if (!DateTime.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                return false;
            result = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), localOffset);
            return true;
        }
        return DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out result);
    }
}

/// <summary>Go's time.ParseDuration: "300ms", "-1.5h", "2h45m", units ns us µs ms s m h.</summary>
public static class GoDuration
{
    public static bool TryParse(string s, out TimeSpan duration)
    {
        duration = default;
        var i = 0;
        var neg = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+')) { neg = s[i] == '-'; i++; }
        if (s[i..] == "0") { duration = TimeSpan.Zero; return true; }
        if (i >= s.Length) return false;
        decimal totalNs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            var number = s[start..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1) return false;
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            var ustart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            decimal unit = s[ustart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unit < 0) return false;
            totalNs += n * unit;
        }
        var ticks = (long)(totalNs / 100m);
        duration = TimeSpan.FromTicks(neg ? -ticks : ticks);
        return true;
    }
}
