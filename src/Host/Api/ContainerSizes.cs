using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>SizeRw and SizeRootFs of containers, for ps -s and /system/df.</summary>
public static class ContainerSizes
{
    /// <summary>Container summaries with SizeRw (the writable layer, measured by the containers actor) and SizeRootFs (plus the image).</summary>
    public static async Task<List<JsonObject>> Summaries(IReadOnlyList<ContainerView> views, ActorRegistry reg, HttpContext ctx)
    {
        var imageSizes = await ImageSizes(reg, ctx);
        var measured = (await ContainerEndpoints.Ask<ContainersMeasured>(reg, new MeasureContainers([.. views.Select(v => v.Id)]), ctx)).SizeRw;
        var now = DateTimeOffset.UtcNow;
        var result = new List<JsonObject>();
        foreach (var v in views)
        {
            var summary = ContainerShapes.Summary(v, now);
            var node = (JsonObject)JsonSerializer.SerializeToNode(summary, summary.GetType(), ApiJson.Options)!;
            var sizeRw = measured.GetValueOrDefault(v.Id);
            node["SizeRw"] = sizeRw;
            node["SizeRootFs"] = sizeRw + imageSizes.GetValueOrDefault(v.Image);
            result.Add(node);
        }
        return result;
    }

    /// <summary>Every image's size by id, for SizeRootFs.</summary>
    private static async Task<IReadOnlyDictionary<string, long>> ImageSizes(ActorRegistry reg, HttpContext ctx)
    {
        var images = await reg.GetAsync<Hosting.ImagesKey>(ctx.RequestAborted);
        return await images.Ask<object>(new ListImages(true, FilterSet.None), TimeSpan.FromSeconds(30), ctx.RequestAborted) is ImageList list
            ? list.Images.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Size)
            : new Dictionary<string, long>();
    }
}
