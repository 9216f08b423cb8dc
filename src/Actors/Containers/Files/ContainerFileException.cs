using Berth.Actors.Protocol;

namespace Berth.Actors.Containers.Files;

/// <summary>A cp or stat request docker would refuse: <see cref="Kind"/> NotFound for a missing path, Invalid for a bad target…</summary>
public sealed class ContainerFileException(ContainerErrorKind kind, string message) : IOException(message)
{
    public ContainerErrorKind Kind { get; } = kind;
}
