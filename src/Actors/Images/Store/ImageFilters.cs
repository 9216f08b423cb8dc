using System.Text.Json;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>
/// Docker's filters argument: JSON <c>{"key":{"value":true}}</c> (or the legacy <c>{"key":["value"]}</c>), as
/// key to values.
/// </summary>
public static class ImageFilters
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string? json)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                result[prop.Name] = prop.Value.ValueKind switch
                {
                    JsonValueKind.Object => [.. prop.Value.EnumerateObject().Where(v => v.Value.ValueKind != JsonValueKind.False).Select(v => v.Name)],
                    JsonValueKind.Array => [.. prop.Value.EnumerateArray().Select(v => v.GetString() ?? "")],
                    _ => throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid filter '{prop.Name}'"),
                };
            }
        }
        catch (JsonException e)
        {
            throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid filter: {e.Message}");
        }
        return result;
    }

    public static void Validate(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, params string[] accepted)
    {
        foreach (var key in filters.Keys)
            if (!accepted.Contains(key)) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid filter '{key}'");
    }

    /// <summary>docker's MatchKVList: every "key" must exist, every "key=value" must match.</summary>
    public static bool MatchLabels(IReadOnlyList<string> wanted, IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var want in wanted)
        {
            var eq = want.IndexOf('=');
            if (eq < 0) { if (labels is null || !labels.ContainsKey(want)) return false; }
            else if (labels is null || !labels.TryGetValue(want[..eq], out var v) || v != want[(eq + 1)..]) return false;
        }
        return true;
    }
}
