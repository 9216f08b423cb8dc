using Akka.Hosting;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>The containers' counts of GET /info.</summary>
public sealed class ContainersInfo(ActorRegistry registry) : IInfoContributor
{
    public async Task Contribute(IDictionary<string, object?> info, CancellationToken ct)
    {
        var items = (await ContainerEndpoints.Ask<ContainerList>(registry, new ListContainers(true), null, ct)).Items;
        info["Containers"] = items.Count;
        info["ContainersPaused"] = items.Count(v => v.State.Paused);
        info["ContainersRunning"] = items.Count(v => v.State.Running && !v.State.Paused);
        info["ContainersStopped"] = items.Count(v => !v.State.Running);
    }
}
