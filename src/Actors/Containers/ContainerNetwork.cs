namespace Berth.Actors.Containers;

/// <summary>
/// The network a container really gets. berth has no networks yet (no bridge, no IPAM): docker's default mode
/// ("default" or "bridge", what every `docker run` sends) runs in a network namespace of its own with only loopback,
/// exactly like "none", and inspect and ps name that network "none" rather than pretend it is on a bridge.
/// </summary>
public static class ContainerNetwork
{
    public const string Host = "host", None = "none";

    /// <summary>The modes a container can be created with today.</summary>
    public static bool IsSupported(string mode) => mode is "" or "default" or "bridge" or None or Host;

    /// <summary>The network the container is attached to: the host's, or an isolated one with only loopback.</summary>
    public static string Effective(string mode) => mode == Host ? Host : None;
}
