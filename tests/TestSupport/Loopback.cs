using System.Net;
using System.Net.Sockets;

namespace Berth.TestSupport;

/// <summary>Loopback TCP for daemons under test.</summary>
public static class Loopback
{
    /// <summary>A port nobody listens on right now (the kernel's pick), for a daemon's tcp://127.0.0.1:port.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
