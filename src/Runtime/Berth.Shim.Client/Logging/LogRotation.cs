using System.Globalization;

namespace Berth.Shim.Logging;

/// <summary>docker's json-file rotation settings: max-size in bytes (null = unbounded) and max-file.</summary>
public sealed record LogRotation(long? MaxSize, int MaxFiles)
{
    /// <summary>docker's defaults for berth: 10m and 3 files.</summary>
    public static LogRotation Default { get; } = new(10 * 1024 * 1024, 3);

    /// <summary>Parses docker's size syntax: "10m", "512k", "1g", "2048" bytes; "-1" means no limit.</summary>
    public static long? ParseSize(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "-1") return null;
        if (t.EndsWith('b')) t = t[..^1];
        long unit = 1;
        if (t.Length > 0 && "kmg".Contains(t[^1]))
        {
            unit = t[^1] switch { 'k' => 1024L, 'm' => 1024L * 1024, _ => 1024L * 1024 * 1024 };
            t = t[..^1];
        }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new FormatException($"invalid log max-size \"{text}\": expected a positive size such as 10m, 512k or 2048");
        return (long)(n * unit);
    }

    public static int ParseFiles(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new FormatException($"invalid log max-file \"{text}\": expected a whole number of at least 1");
}
