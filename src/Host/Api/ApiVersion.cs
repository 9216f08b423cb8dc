using System.Text.RegularExpressions;

namespace Berth.Host.Api;

/// <summary>Engine API versions: what berthd implements, and how a /v1.NN prefix is read.</summary>
public static partial class ApiVersion
{
    public const string Max = "1.41";
    public const string Min = "1.24";
    public const string ItemKey = "berth.api-version";

    /// <summary>dockerd's route prefix /v{version:[0-9.]+}: "1.41", but also "99" or "1.2.3".</summary>
    [GeneratedRegex(@"^/v([0-9.]+)(/.*)$")]
    private static partial Regex Prefix();

    /// <summary>Splits "/v1.41/containers/json" into ("1.41", "/containers/json"); paths without a prefix pass through.</summary>
    public static (string? Version, string Path) Split(string path)
    {
        var m = Prefix().Match(path);
        return m.Success ? (m.Groups[1].Value, m.Groups[2].Value) : (null, path);
    }

    /// <summary>
    /// Go's versions.compare: dot-separated numbers compared in turn, a missing or empty part is 0, and a part too
    /// large for a number counts as the largest one (strconv.Atoi's saturated result), so nothing here can overflow.
    /// </summary>
    public static int Compare(string a, string b)
    {
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            var c = Part(pa, i).CompareTo(Part(pb, i));
            if (c != 0) return c;
        }
        return 0;
    }

    private static long Part(string[] parts, int i)
    {
        if (i >= parts.Length || parts[i].Length == 0) return 0;
        return long.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
    }

    /// <summary>The version a request asked for, or the server's max when it named none.</summary>
    public static string Of(HttpContext ctx) => ctx.Items[ItemKey] as string ?? Max;
}
