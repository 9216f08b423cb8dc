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
