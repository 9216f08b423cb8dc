using System.Net.Sockets;

namespace Berth.TestSupport;

/// <summary>An HttpClient that talks HTTP/1.1 over a unix socket, for asserting raw responses.</summary>
public static class UnixHttp
{
    public static HttpClient Client(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://api.moby.localhost") };
    }
}
