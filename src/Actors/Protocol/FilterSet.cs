using Berth.Actors.Images.Store;

namespace Berth.Actors.Protocol;

/// <summary>
/// Filters as docker's filters argument decodes them: key to values (see <see cref="ImageFilters.Parse"/>). Carried in
/// list and prune commands, so every client of the actor-message API filters as `docker ps/images/events` does.
/// </summary>
public sealed record FilterSet(IReadOnlyDictionary<string, IReadOnlyList<string>> Values)
{
    public static FilterSet None { get; } = new(new Dictionary<string, IReadOnlyList<string>>());
    public static FilterSet FromJson(string? json) => new(ImageFilters.Parse(json));

    public IReadOnlyList<string> this[string key] => Values.GetValueOrDefault(key) ?? [];

    public bool Has(string key) => Values.ContainsKey(key);
}
