using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Protocol;
using Berth.Host.Configuration;

namespace Berth.Host.Api;

/// <summary>GET /system/df: what images and containers (and later volumes) take on disk.</summary>
public static class DiskUsageEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/system/df", async (HttpContext ctx, ActorRegistry reg) =>
    {
        var images = (await ImageEndpoints.Ask<ImageDiskUsageReport>(reg, GetImageDiskUsage.Instance, ctx)).Usage;
        var containers = await ContainerEndpoints.Ask<ContainerList>(reg, new ListContainers(true), ctx);
        var sized = await ContainerSizes.Summaries(containers.Items, reg, ctx);
        return new JsonReply(new
        {
            images.LayersSize,
            images.Images,
            Containers = sized,
            Volumes = Array.Empty<object>(),
            BuildCache = Array.Empty<object>(),
            BuilderSize = 0,
        });
    });
}

/// <summary>The images count of GET /info.</summary>
public sealed class ImagesInfo(ActorRegistry registry) : IInfoContributor
{
    public async Task Contribute(IDictionary<string, object?> info, CancellationToken ct)
    {
        var images = await registry.GetAsync<Hosting.ImagesKey>(ct);
        if (await images.Ask<object>(new ListImages(true, FilterSet.None), TimeSpan.FromSeconds(30), ct) is ImageList list)
            info["Images"] = list.Images.Count;
    }
}
