using System.Net.Sockets;

namespace Berth.Shim.Monitor;

/// <summary>A listening unix stream socket that hands each connection to a handler.</summary>
internal sealed class SocketServer : IDisposable
{
    private readonly Socket _listener;
    private readonly string _path;

    public SocketServer(string path)
    {
        _path = path;
        if (File.Exists(path)) File.Delete(path); // a previous shim's leftover; sockets are not reused
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(64);
        }
        catch (SocketException e)
        {
            _listener.Dispose();
            throw new IOException($"bind/listen({path}): {e.SocketErrorCode}", e);
        }
    }

    public Task<Socket> AcceptOne(CancellationToken ct = default) => _listener.AcceptAsync(ct).AsTask();

    /// <summary>Accepts until disposed; each connection runs <paramref name="handler"/> on its own.</summary>
    public void Serve(Func<Socket, Task> handler)
    {
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await handler(client);
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine($"berth-shim: connection on {_path}: {e.Message}");
                        client.Dispose();
                    }
                });
            }
        });
    }

    /// <summary>Stops listening and unlinks the socket file; idempotent.</summary>
    public void Dispose()
    {
        _listener.Dispose();
        try { File.Delete(_path); } catch (IOException) { }
    }
}
