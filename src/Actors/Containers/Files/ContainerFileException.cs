namespace Berth.Actors.Containers.Files;

/// <summary>A cp or stat request docker would refuse with <paramref name="status"/> (404 missing path, 400 bad target…).</summary>
public sealed class ContainerFileException(int status, string message) : IOException(message)
{
    public int Status { get; } = status;
}
