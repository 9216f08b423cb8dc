using Akka.Hosting;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>POST /containers/prune: removes the stopped containers the filters (until, label, label!) select.</summary>
public static class ContainerPruneEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapPost("/containers/prune", Prune);

    private static async Task<IResult> Prune(HttpContext ctx, ActorRegistry reg)
    {
        var filters = Filters.Parse(ctx.Request, new HashSet<string> { "until", "label", "label!" });
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0
            ? u.Select(x => TimeFilter.Parse(x, DateTimeOffset.UtcNow)).Min()
            : null;
        var pruned = await ContainerEndpoints.Ask<ContainersPruned>(reg, new PruneContainers(until,
            filters.GetValueOrDefault("label") ?? [], filters.GetValueOrDefault("label!") ?? []), ctx, TimeSpan.FromMinutes(10));
        return new JsonReply(new { ContainersDeleted = pruned.Deleted.Count > 0 ? pruned.Deleted : null, pruned.SpaceReclaimed });
    }
}
