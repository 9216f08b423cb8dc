using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>
/// POST /containers/create's body: docker's Config with HostConfig beside its fields (docker's CreateRequest; its
/// NetworkingConfig is not read). Config is null when no Config field was given, as in Go.
/// </summary>
public sealed record CreateRequestBody
{
    [GoEmbedded] public ContainerConfig? Config { get; init; }
    public ContainerHostConfig? HostConfig { get; init; }
}

/// <summary>POST /exec/{id}/start's body: Detach, Tty (the exec's own Tty decides the stream format, as in dockerd), ConsoleSize [h, w].</summary>
public sealed record ExecStartBody
{
    public bool Detach { get; init; }
    public bool Tty { get; init; }
    public IReadOnlyList<int>? ConsoleSize { get; init; }
}

/// <summary>POST /containers/{id}/update's body (docker's UpdateConfig): zero or null means "leave as it is".</summary>
public sealed record UpdateRequestBody
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
    public RestartPolicySpec? RestartPolicy { get; init; }
}
