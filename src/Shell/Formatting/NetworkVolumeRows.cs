using System.Globalization;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>Shared JSON access for the list rows.</summary>
internal static class RowJson
{
    public static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    public static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static IEnumerable<KeyValuePair<string, string>> Labels(JsonElement e) =>
        e.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? l.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")) : [];

    public static string JoinLabels(JsonElement e) =>
        string.Join(",", Labels(e).Select(p => p.Key + "=" + p.Value).OrderBy(s => s, StringComparer.Ordinal));

    /// <summary>Go's time.Time.String() for an RFC3339Nano timestamp, in UTC: "2026-11-26 16:01:14.5 +0000 UTC".</summary>
    public static string GoTimeString(string rfc3339)
    {
        if (!DateTimeOffset.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t))
            return "0001-01-01 00:00:00 +0000 UTC";
        var fraction = System.Text.RegularExpressions.Regex.Match(rfc3339, @"\.(\d+)");
        var frac = fraction.Success ? fraction.Groups[1].Value.PadRight(9, '0')[..9].TrimEnd('0') : "";
        var utc = t.UtcDateTime;
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (frac.Length > 0 ? "." + frac : "") + " +0000 UTC";
    }
}

/// <summary>
/// One `network ls` row as docker's networkContext shows it. (docker prints several labels of a network or volume
/// in Go's random map order; these rows sort them.)
/// </summary>
public sealed class NetworkRow(JsonElement network, bool truncate) : IHtmlEscapedJson
{
    public const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";

    public string CreatedAt => RowJson.GoTimeString(RowJson.Str(network, "Created"));
    public string Driver => RowJson.Str(network, "Driver");
    public string ID => truncate ? DisplayText.ShortId(RowJson.Str(network, "Id")) : RowJson.Str(network, "Id");
    public string IPv4 => RowJson.Bool(network, "EnableIPv4") ? "true" : "false";
    public string IPv6 => RowJson.Bool(network, "EnableIPv6") ? "true" : "false";
    public string Internal => RowJson.Bool(network, "Internal") ? "true" : "false";
    public string Labels => RowJson.JoinLabels(network);
    public string Name => RowJson.Str(network, "Name");
    public string Scope => RowJson.Str(network, "Scope");

    /// <summary>{{.Label "key"}}.</summary>
    public string Label(string name) => RowJson.Labels(network).FirstOrDefault(p => p.Key == name).Value ?? "";
}

/// <summary>One `volume ls` row as docker's volumeContext shows it.</summary>
public sealed class VolumeRow(JsonElement volume) : IHtmlEscapedJson
{
    public const string DefaultTable = "table {{.Driver}}\t{{.Name}}";

    public string Availability => "N/A";
    public string Driver => RowJson.Str(volume, "Driver");
    public string Group => "N/A";
    public string Labels => RowJson.JoinLabels(volume);
    public string Links => Usage("RefCount") is { } n ? n.ToString(CultureInfo.InvariantCulture) : "N/A";
    public string Mountpoint => RowJson.Str(volume, "Mountpoint");
    public string Name => RowJson.Str(volume, "Name");
    public string Scope => RowJson.Str(volume, "Scope");
    public string Size => Usage("Size") is { } s ? HumanUnits.Size(s) : "N/A";
    public string Status => "N/A";

    /// <summary>{{.Label "key"}}.</summary>
    public string Label(string name) => RowJson.Labels(volume).FirstOrDefault(p => p.Key == name).Value ?? "";

    private long? Usage(string field) =>
        volume.TryGetProperty("UsageData", out var u) && u.ValueKind == JsonValueKind.Object && u.TryGetProperty(field, out var v) && v.TryGetInt64(out var n)
            ? n : null;
}
