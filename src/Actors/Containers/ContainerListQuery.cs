using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>`docker ps` as a pure function of the containers' views: docker's filter checks, the filters, all and limit.</summary>
public static class ContainerListQuery
{
    private static readonly HashSet<string> Statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];
    private static readonly HashSet<string> Healths = ["starting", "healthy", "unhealthy", "none"];

    /// <summary>The listed containers, newest first; else the refusal dockerd gives.</summary>
    public static object Run(IEnumerable<ContainerView> views, ListContainers query)
    {
        var filters = query.Filters ?? FilterSet.None;
        if (Refusal(filters) is { } refusal) return refusal;
        var newestFirst = views.OrderByDescending(v => v.Created).ToList();
        IEnumerable<ContainerView> items = newestFirst;
        foreach (var (key, keep) in new (string, Func<DateTimeOffset, DateTimeOffset, bool>)[] { ("before", (c, at) => c < at), ("since", (c, at) => c > at) })
            foreach (var reference in filters[key])
            {
                if (Find(newestFirst, reference) is not { } anchor) return new ContainerError(ContainerErrorKind.NotFound, $"No such container: {reference}");
                items = items.Where(v => keep(v.Created, anchor.Created));
            }
        // status and exited filters look at stopped containers too, as with --all.
        var all = query.All || filters.Has("status") || filters.Has("exited");
        items = items.Where(v => all || query.Limit > 0 || v.State.Running).Where(v => Matches(v, filters));
        if (query.Limit > 0) items = items.Take(query.Limit);
        return new ContainerList(items.ToList());
    }

    private static ContainerError? Refusal(FilterSet filters)
    {
        foreach (var s in filters["status"])
            if (!Statuses.Contains(s)) return new ContainerError(ContainerErrorKind.Invalid, $"invalid filter 'status={s}'");
        foreach (var e in filters["exited"])
            if (!int.TryParse(e, out _)) return new ContainerError(ContainerErrorKind.Invalid, $"invalid filter 'exited={e}'");
        foreach (var h in filters["health"])
            if (!Healths.Contains(h)) return new ContainerError(ContainerErrorKind.Invalid, $"Unrecognised filter value for health: {h}");
        return null;
    }

    /// <summary>Every filter key matches (values of one key are alternatives; labels must all match).</summary>
    public static bool Matches(ContainerView v, FilterSet filters)
    {
        foreach (var (key, values) in filters.Values)
        {
            if (values.Count == 0) continue;
            var ok = key switch
            {
                "status" => values.Contains(v.State.Status),
                "name" => values.Any(n => v.Name.TrimStart('/').Contains(n.TrimStart('/'), StringComparison.Ordinal)),
                "id" => values.Any(i => v.Id.StartsWith(i, StringComparison.Ordinal)),
                "label" => values.All(l => Label(v, l)),
                "ancestor" => values.Any(a => v.ImageName == a || v.Image == a || v.Image.StartsWith("sha256:" + a, StringComparison.Ordinal)),
                "exited" => !v.State.Running && values.Contains(v.State.ExitCode.ToString()),
                "health" => values.Contains(v.State.Health?.Status ?? "none"),
                _ => true,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool Label(ContainerView v, string filter)
    {
        var labels = v.Spec.Labels ?? new Dictionary<string, string>();
        var parts = filter.Split('=', 2);
        return parts.Length == 1 ? labels.ContainsKey(parts[0]) : labels.TryGetValue(parts[0], out var val) && val == parts[1];
    }

    /// <summary>before/since name a container by id, name or unique id prefix.</summary>
    private static ContainerView? Find(IReadOnlyList<ContainerView> all, string reference) =>
        all.FirstOrDefault(v => v.Id == reference)
        ?? all.FirstOrDefault(v => v.Name.TrimStart('/') == reference.TrimStart('/'))
        ?? (all.Where(v => v.Id.StartsWith(reference, StringComparison.Ordinal)).ToList() is [var only] ? only : null);
}
