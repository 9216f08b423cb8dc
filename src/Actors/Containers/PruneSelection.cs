using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>Which containers docker container prune removes: not running, created before until, with label and without label!.</summary>
public static class PruneSelection
{
    public static bool Matches(ContainerView v, PruneContainers p)
    {
        if (v.State.Running || v.State.Status is "removing") return false;
        if (p.Until is { } until && v.Created > until) return false;
        var labels = v.Spec.Labels ?? new Dictionary<string, string>();
        return p.Labels.All(l => HasLabel(labels, l)) && !p.NotLabels.Any(l => HasLabel(labels, l));
    }

    /// <summary>"key" (any value) or "key=value".</summary>
    public static bool HasLabel(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var parts = filter.Split('=', 2);
        return parts.Length == 1 ? labels.ContainsKey(parts[0]) : labels.TryGetValue(parts[0], out var v) && v == parts[1];
    }
}
