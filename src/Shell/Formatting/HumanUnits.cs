using System.Globalization;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>docker/go-units: sizes and durations exactly as the docker CLI prints them.</summary>
public static class HumanUnits
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

    /// <summary>go-units HumanSizeWithPrecision: decimal units, <paramref name="precision"/> significant digits ("4.86MB" at 3).</summary>
    public static string Size(double bytes, int precision = 4)
    {
        var (value, unit) = Scale(bytes, 1000.0, DecimalUnits);
        return GoFloat.FormatG(value, precision) + unit;
    }

    /// <summary>What <c>docker images</c> and <c>docker ps --size</c> print: 3 significant digits.</summary>
    public static string ListingSize(long bytes) => Size(bytes, 3);

    /// <summary>go-units BytesSize: binary units, 4 significant digits ("1.5MiB"), used by stats.</summary>
    public static string BinarySize(double bytes)
    {
        var (value, unit) = Scale(bytes, 1024.0, BinaryUnits);
        return GoFloat.FormatG(value, 4) + unit;
    }

    private static (double, string) Scale(double size, double unitBase, string[] units)
    {
        var i = 0;
        while (size >= unitBase && i < units.Length - 1)
        {
            size /= unitBase;
            i++;
        }
        return (size, units[i]);
    }

    /// <summary>go-units HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks"…</summary>
    public static string Duration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        var minutes = (long)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        var hours = (long)(d.TotalHours + 0.5);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(long)d.TotalHours / 24 / 365} years";
    }

    /// <summary>"2 hours ago" for a unix creation time, as docker's CREATED column (RunningFor / CreatedSince).</summary>
    public static string Ago(long unixSeconds, DateTimeOffset now) =>
        Duration(now - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)) + " ago";

    /// <summary>Go's <c>time.Unix(s,0).String()</c> in UTC, as docker's CreatedAt: "2026-11-26 16:02:23 +0000 UTC".</summary>
    public static string GoTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC";

    /// <summary>Go's time.Duration.String() for whole and fractional durations: "0s", "1m30s", "2h0m5s", "1.5s", "250ms".</summary>
    public static string GoDuration(TimeSpan d)
    {
        var ns = d.Ticks * 100;
        if (ns == 0) return "0s";
        var neg = ns < 0;
        var u = (ulong)Math.Abs(ns);
        string s;
        if (u < 1_000_000_000UL)
        {
            // Sub-second: pick ns, µs or ms like Go.
            if (u < 1000UL) s = u + "ns";
            else if (u < 1_000_000UL) s = Frac(u, 3) + "µs";
            else s = Frac(u, 6) + "ms";
        }
        else
        {
            var secs = Frac(u % 60_000_000_000UL, 9) + "s";
            var totalMin = u / 60_000_000_000UL;
            if (totalMin == 0) s = secs;
            else
            {
                var m = totalMin % 60;
                var h = totalMin / 60;
                s = h > 0 ? $"{h}h{m}m{secs}" : $"{m}m{secs}";
            }
        }
        return neg ? "-" + s : s;
    }

    private static string Frac(ulong v, int prec)
    {
        var div = (ulong)Math.Pow(10, prec);
        var whole = v / div;
        var frac = v % div;
        if (frac == 0) return whole.ToString(CultureInfo.InvariantCulture);
        return whole + "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(prec, '0').TrimEnd('0');
    }
}
