using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>docker's /events filters (type, event, container, image, label, network, volume, scope), pure.</summary>
public sealed class EventFilter(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
{
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>
    {
        "type", "event", "action", "container", "image", "label", "network", "volume", "scope", "daemon",
    };

    public static EventFilter None { get; } = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>Each key present must match one of its values; keys combine with AND, as in dockerd.</summary>
    public bool Matches(EngineEvent e)
    {
        foreach (var (key, values) in filters)
        {
            if (values.Count == 0) continue;
            var ok = key switch
            {
                "type" => values.Contains(e.Type),
                "event" or "action" => values.Any(v => v == e.Action || e.Action.StartsWith(v + ":", StringComparison.Ordinal)),
                "container" => e.Type == "container" && values.Any(v => IdOrName(e, v)),
                "image" => values.Any(v => e.Type == "image" ? IdOrName(e, v) : Attr(e, "image") == v),
                "network" => e.Type == "network" && values.Any(v => IdOrName(e, v)),
                "volume" => e.Type == "volume" && values.Any(v => IdOrName(e, v)),
                "label" => values.Any(v => Label(e, v)),
                "scope" => values.Contains(e.Scope),
                "daemon" => e.Type == "daemon" && values.Any(v => IdOrName(e, v)),
                _ => true,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static string? Attr(EngineEvent e, string key) => e.Attributes.TryGetValue(key, out var v) ? v : null;

    private static bool IdOrName(EngineEvent e, string v) =>
        e.ActorId == v || (v.Length >= 1 && e.ActorId.StartsWith(v, StringComparison.Ordinal) && e.Type is "container") || Attr(e, "name") == v;

    private static bool Label(EngineEvent e, string v)
    {
        var eq = v.IndexOf('=');
        return eq < 0 ? e.Attributes.ContainsKey(v) : Attr(e, v[..eq]) == v[(eq + 1)..];
    }
}
