namespace Berth.Actors.Containers.Bundle;

/// <summary>A HostConfig docker would refuse as invalid; the message is docker's.</summary>
public sealed class HostConfigException(string message) : Exception(message);
