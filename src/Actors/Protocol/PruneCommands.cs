using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>POST /containers/prune: removes stopped containers created before Until carrying the labels (label) and not the others (label!).</summary>
[Manifest("containers.prune.v1")]
public sealed record PruneContainers(DateTimeOffset? Until, IReadOnlyList<string> Labels, IReadOnlyList<string> NotLabels) : IContainerCommand, IBerthMessage;

/// <summary>What prune removed; SpaceReclaimed is the sum of their writable layers.</summary>
[Manifest("containers.pruned.v1")]
public sealed record ContainersPruned(IReadOnlyList<string> Deleted, long SpaceReclaimed) : IBerthMessage;
