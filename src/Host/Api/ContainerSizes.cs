using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Host.Configuration;

namespace Berth.Host.Api;

/// <summary>SizeRw and SizeRootFs of containers, for ps -s and /system/df.</summary>
public static class ContainerSizes
{
    /// <summary>A container summary with SizeRw (the writable layer) and SizeRootFs (plus the image).</summary>
    public static async Task<JsonObject> WithSize(ContainerView v, object summary, DaemonOptions options, IReadOnlyDictionary<string, long> imageSizes)
    {
        var node = (JsonObject)JsonSerializer.SerializeToNode(summary, summary.GetType(), ApiJson.Options)!;
        var sizeRw = await Task.Run(() => ContainerDiskUsage.SizeRw(new ContainerPaths(options.DataRoot, options.ExecRoot, v.Id)));
        node["SizeRw"] = sizeRw;
        node["SizeRootFs"] = sizeRw + imageSizes.GetValueOrDefault(v.Image);
        return node;
    }

    /// <summary>Every image's size by id, for SizeRootFs.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ImageSizes(ActorRegistry reg, HttpContext ctx)
    {
        var images = await reg.GetAsync<Hosting.ImagesKey>(ctx.RequestAborted);
        return await images.Ask<object>(new ListImages(true, FilterSet.None), TimeSpan.FromSeconds(30), ctx.RequestAborted) is ImageList list
            ? list.Images.GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Size)
            : new Dictionary<string, long>();
    }
}
