using System.Collections.Concurrent;
using Berth.Actors.Images;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>Which containers use which images, kept by the containers actor and read by the images actor (rmi conflicts).</summary>
public sealed class ContainerImageUsage : IImageUsage
{
    private readonly ConcurrentDictionary<string, ContainerImageUse> _uses = new();

    public IReadOnlyList<ContainerImageUse> Current() => [.. _uses.Values];

    internal void Set(ContainerView view, IReadOnlyList<string> chainIds) =>
        _uses[view.Id] = new ContainerImageUse(view.Id, view.Image, view.State.Running, chainIds);

    internal void Remove(string id) => _uses.TryRemove(id, out _);
}
