using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Containers;

/// <summary>The container's processes were frozen (docker pause).</summary>
[Manifest("container.paused.v1")]
public sealed record ContainerPaused(DateTimeOffset At) : IBerthMessage;

/// <summary>The container's processes were thawed (docker unpause, or a stop/kill of a paused container).</summary>
[Manifest("container.unpaused.v1")]
public sealed record ContainerUnpaused(DateTimeOffset At) : IBerthMessage;

/// <summary>The container's name changed (docker rename); Name has the leading '/'.</summary>
[Manifest("container.renamed.v1")]
public sealed record ContainerRenamed(string Name) : IBerthMessage;

/// <summary>docker update: the container's HostConfig after the update (resources, restart policy).</summary>
[Manifest("container.updated.v1")]
public sealed record ContainerResourcesUpdated(ContainerHostConfig HostConfig) : IBerthMessage;

/// <summary>The containers actor's index: a container's name changed (names without '/').</summary>
[Manifest("containers.renamed.v1")]
public sealed record ContainerIndexRenamed(string Id, string OldName, string NewName) : IBerthMessage;
