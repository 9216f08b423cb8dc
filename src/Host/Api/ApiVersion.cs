using System.Text.RegularExpressions;

namespace Berth.Host.Api;

/// <summary>Engine API versions: what berthd implements, and how a /v1.NN prefix is read.</summary>
public static partial class ApiVersion
{
    public const string Max = "1.41";
    public const string Min = "1.24";
    public const string ItemKey = "berth.api-version";

    [GeneratedRegex(@"^/v(\d+)\.(\d+)(/.*)$")]
    private static partial Regex Prefix();

    /// <summary>Splits "/v1.41/containers/json" into ("1.41", "/containers/json"); paths without a prefix pass through.</summary>
    public static (string? Version, string Path) Split(string path)
    {
        var m = Prefix().Match(path);
        return m.Success ? ($"{m.Groups[1].Value}.{m.Groups[2].Value}", m.Groups[3].Value) : (null, path);
    }

    public static int Compare(string a, string b)
    {
        var pa = a.Split('.'); var pb = b.Split('.');
        var major = int.Parse(pa[0]).CompareTo(int.Parse(pb[0]));
        return major != 0 ? major : int.Parse(pa[1]).CompareTo(int.Parse(pb[1]));
    }

    /// <summary>The version a request asked for, or the server's max when it named none.</summary>
    public static string Of(HttpContext ctx) => ctx.Items[ItemKey] as string ?? Max;
}
