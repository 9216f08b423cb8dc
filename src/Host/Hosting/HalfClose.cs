using Microsoft.AspNetCore.Connections;

namespace Berth.Host.Hosting;

/// <summary>
/// Kestrel treats a client's FIN as the end of the connection and stops writing. docker's hijacked streams
/// (attach, exec) half-close to signal stdin EOF and still expect all output, so the "connection closed"
/// notification is held back: the request reads the FIN as end of input and the response keeps flowing.
/// Kestrel still notices a dead peer when a write fails.
/// </summary>
public static class HalfClose
{
    public static void Tolerate(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.Use(next => async connection =>
        {
            connection.ConnectionClosed = CancellationToken.None;
            await next(connection);
        });
}
