using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Berth.Shell.Formatting;

/// <summary>
/// How `docker events` prints one event: "2026-11-26T19:40:00.000000000Z container start &lt;id&gt; (image=…, name=…)"
/// (attributes sorted by key), or a --format template over docker's events.Message fields.
/// </summary>
public static class EventLine
{
    public static string Default(JsonElement e, TimeZoneInfo zone)
    {
        var sb = new StringBuilder();
        var nanos = e.TryGetProperty("timeNano", out var tn) && tn.TryGetInt64(out var n) ? n
            : e.TryGetProperty("time", out var t) ? t.GetInt64() * 1_000_000_000 : 0;
        sb.Append(Time(nanos, zone)).Append(' ');
        sb.Append(Str(e, "Type")).Append(' ').Append(Str(e, "Action")).Append(' ');
        var actor = e.TryGetProperty("Actor", out var a) ? a : default;
        sb.Append(actor.ValueKind == JsonValueKind.Object ? Str(actor, "ID") : Str(e, "id"));
        if (actor.ValueKind == JsonValueKind.Object && actor.TryGetProperty("Attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
        {
            var pairs = attrs.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}").ToList();
            if (pairs.Count > 0) sb.Append(" (").Append(string.Join(", ", pairs)).Append(')');
        }
        return sb.ToString();
    }

    /// <summary>Go's "2006-01-02T15:04:05.000000000Z07:00" in the local zone.</summary>
    public static string Time(long unixNanos, TimeZoneInfo zone)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(unixNanos, 1_000_000_000, out var rem));
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        var offset = local.Offset == TimeSpan.Zero ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + rem.ToString("D9", CultureInfo.InvariantCulture) + offset;
    }

    /// <summary>The Go struct a --format template sees (events.Message): Go field names, not the wire's JSON keys.</summary>
    public static Dictionary<string, object?> TemplateData(JsonElement e)
    {
        var actor = e.TryGetProperty("Actor", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (actor.ValueKind == JsonValueKind.Object && actor.TryGetProperty("Attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
            foreach (var p in attrs.EnumerateObject()) attributes[p.Name] = p.Value.GetString() ?? "";
        return new Dictionary<string, object?>
        {
            ["Status"] = Str(e, "status"),
            ["ID"] = Str(e, "id"),
            ["From"] = Str(e, "from"),
            ["Type"] = Str(e, "Type"),
            ["Action"] = Str(e, "Action"),
            ["Actor"] = new Dictionary<string, object?> { ["ID"] = actor.ValueKind == JsonValueKind.Object ? Str(actor, "ID") : "", ["Attributes"] = attributes },
            ["Scope"] = Str(e, "scope"),
            ["Time"] = e.TryGetProperty("time", out var t) ? t.GetInt64() : 0L,
            ["TimeNano"] = e.TryGetProperty("timeNano", out var tn) ? tn.GetInt64() : 0L,
        };
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
