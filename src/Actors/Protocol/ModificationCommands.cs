using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>POST /containers/{id}/pause: freezes every process of the container.</summary>
[Manifest("container.pause.v1")]
public sealed record PauseContainer(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>POST /containers/{id}/unpause.</summary>
[Manifest("container.unpause.v1")]
public sealed record UnpauseContainer(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>POST /containers/{id}/rename?name=: answered by the containers actor, which owns the names.</summary>
[Manifest("container.rename.v1")]
public sealed record RenameContainer(string Ref, string NewName) : IContainerCommand, IBerthMessage;

/// <summary>docker update's changes: zero or null means "leave as it is", like docker.</summary>
public sealed record ContainerResourceUpdate
{
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long MemoryReservation { get; init; }
    public long NanoCpus { get; init; }
    public long CpuShares { get; init; }
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
    public string CpusetCpus { get; init; } = "";
    public string CpusetMems { get; init; } = "";
    public long? PidsLimit { get; init; }
    public Containers.RestartPolicy? RestartPolicy { get; init; }
}

/// <summary>POST /containers/{id}/update.</summary>
[Manifest("container.update.v1")]
public sealed record UpdateContainer(string Ref, ContainerResourceUpdate Update) : IContainerTargeted, IBerthMessage;

/// <summary>The update was applied (and persisted); Warnings as docker's {"Warnings":[]}.</summary>
[Manifest("container.update-reply.v1")]
public sealed record ContainerUpdated(IReadOnlyList<string> Warnings) : IBerthMessage;
