namespace Berth.Actors.Containers.Bundle;

/// <summary>A HostConfig docker would refuse: the message is docker's, the status its HTTP code (400 unless said).</summary>
public sealed class HostConfigException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
