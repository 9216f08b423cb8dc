using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>The ps filters that need more than one container at a time (before, since) and docker's checks of filter values.</summary>
public static class ContainerListFilters
{
    private static readonly HashSet<string> Statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

    public static void Validate(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        foreach (var s in filters.GetValueOrDefault("status") ?? [])
            if (!Statuses.Contains(s)) throw ApiException.BadRequest($"invalid filter 'status={s}'");
        foreach (var e in filters.GetValueOrDefault("exited") ?? [])
            if (!int.TryParse(e, out _)) throw ApiException.BadRequest($"invalid filter 'exited={e}'");
    }

    /// <summary>before/since name a container (id, prefix or name): only those created earlier / later are kept.</summary>
    public static IEnumerable<ContainerView> BeforeSince(IReadOnlyList<ContainerView> all, IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        IEnumerable<ContainerView> result = all;
        foreach (var b in filters.GetValueOrDefault("before") ?? [])
        {
            var created = Find(all, b).Created;
            result = result.Where(v => v.Created < created);
        }
        foreach (var s in filters.GetValueOrDefault("since") ?? [])
        {
            var created = Find(all, s).Created;
            result = result.Where(v => v.Created > created);
        }
        return result;
    }

    private static ContainerView Find(IReadOnlyList<ContainerView> all, string reference) =>
        all.FirstOrDefault(v => v.Id == reference)
        ?? all.FirstOrDefault(v => v.Name.TrimStart('/') == reference.TrimStart('/'))
        ?? (all.Where(v => v.Id.StartsWith(reference, StringComparison.Ordinal)).ToList() is [var only] ? only : null)
        ?? throw ApiException.NotFound($"No such container: {reference}");
}
