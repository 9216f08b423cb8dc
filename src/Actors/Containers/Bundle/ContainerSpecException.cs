namespace Berth.Actors.Containers.Bundle;

/// <summary>
/// dockerd's createSpec refuses the container when it starts (an unknown user, a device that is not there): the start
/// fails like docker's, exit code 128 and a 500 with the message.
/// </summary>
public class ContainerSpecException(string message) : ArgumentException(message);
