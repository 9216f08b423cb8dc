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

/// <summary>docker update: the container's resources and restart policy after the update.</summary>
[Manifest("container.updated.v2")]
public sealed record ContainerResourcesUpdated(ContainerResources Resources, RestartPolicy Restart) : IBerthMessage;

/// <summary>An update as berthd 0.1.0 stored it: docker's whole HostConfig after it, as JSON (upcast on read to <see cref="ContainerResourcesUpdated"/>).</summary>
[Manifest("container.updated.v1")]
public sealed record ContainerResourcesUpdatedV1(System.Text.Json.JsonElement HostConfig) : IBerthMessage;

/// <summary>The containers actor's index: a container's name changed (names without '/').</summary>
[Manifest("containers.renamed.v1")]
public sealed record ContainerIndexRenamed(string Id, string OldName, string NewName) : IBerthMessage;
