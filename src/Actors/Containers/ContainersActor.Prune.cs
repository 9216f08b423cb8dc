using Akka.Actor;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker container prune (the stopped containers that match are removed, each by its own actor) and the writable layers' sizes.</summary>
public sealed partial class ContainersActor
{
    private static readonly TimeSpan PruneRemoveTimeout = TimeSpan.FromMinutes(2);

    private void HandlePrune()
    {
        Receive<PruneContainers>(Prune);
        Receive<MeasureContainers>(Measure);
    }

    /// <summary>Walks the writable layers off the actor's thread (a large layer takes a while) and answers the sizes.</summary>
    private void Measure(MeasureContainers m)
    {
        var settings = _settings;
        Task.Run(() => new ContainersMeasured(m.Ids.Distinct().ToDictionary(id => id, id => ContainerDiskUsage.SizeRw(settings.PathsOf(id)))))
            .PipeTo(Sender);
    }

    /// <summary>
    /// Removes the matching stopped containers. The removals run off the actor: each container asks this actor to
    /// forget it before it answers, so waiting for them here would deadlock.
    /// </summary>
    private void Prune(PruneContainers p)
    {
        if (AwaitViews(p)) return;
        var victims = _views.Values.Where(v => PruneSelection.Matches(v, p))
            .Select(v => (v.Id, Child: Child(v.Id), Size: ContainerDiskUsage.SizeRw(_settings.PathsOf(v.Id)))).ToList();
        var events = _events;
        Run().PipeTo(Sender);

        async Task<ContainersPruned> Run()
        {
            var removed = await Task.WhenAll(victims.Select(async v =>
                await v.Child.Ask<object>(new RemoveContainer(v.Id, false), PruneRemoveTimeout) is ContainerDone ? v : default));
            var deleted = removed.Where(v => v.Id != null).ToList();
            var reclaimed = deleted.Sum(v => v.Size);
            events.Record("container", "prune", "", new Dictionary<string, string> { ["reclaimed"] = reclaimed.ToString() });
            return new ContainersPruned(deleted.Select(v => v.Id).ToList(), reclaimed);
        }
    }
}
