using Berth.Actors.Protocol;

namespace Berth.Actors.Images;

/// <summary>The images actor's own record of which containers hold which images, as the containers domain reported it.</summary>
internal sealed class ImageUsage(bool complete)
{
    private readonly Dictionary<string, ContainerImageUse> _uses = new();

    /// <summary>Every container known at start has reported (always true for an images actor without containers).</summary>
    public bool Complete { get; set; } = complete;

    public IReadOnlyList<ContainerImageUse> Current() => [.. _uses.Values];

    public void Set(ContainerImageUse use) => _uses[use.ContainerId] = use;

    public void Release(string containerId) => _uses.Remove(containerId);
}
