using System.Text.Json;

namespace Berth.Host.Api;

/// <summary>The `filters` query parameter: JSON map[string]map[string]bool, or the legacy map[string][]string.</summary>
public static class Filters
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(HttpRequest req, IReadOnlySet<string>? allowed = null)
    {
        var raw = Query.String(req, "filters");
        var result = new Dictionary<string, IReadOnlyList<string>>();
        if (string.IsNullOrWhiteSpace(raw)) return result;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(raw); }
        catch (JsonException e) { throw ApiException.BadRequest($"invalid filter: {e.Message}"); }
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("invalid filter: expected a JSON object");
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (allowed != null && !allowed.Contains(p.Name)) throw ApiException.BadRequest($"invalid filter '{p.Name}'");
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Object => p.Value.EnumerateObject().Where(v => v.Value.ValueKind != JsonValueKind.False).Select(v => v.Name).ToList(),
                JsonValueKind.Array => p.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToList(),
                _ => throw ApiException.BadRequest($"invalid filter '{p.Name}': expected an object or a list"),
            };
        }
        return result;
    }
}
