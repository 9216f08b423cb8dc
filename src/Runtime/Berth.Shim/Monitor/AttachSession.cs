using System.Net.Sockets;
using System.Threading.Channels;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>
/// One attach client: output frames queued by the hub and written by one writer task, and a
/// stdin pump feeding the container. The connection closes when the container's output ends.
/// </summary>
/// <remarks>A client that falls more than <see cref="MaxQueued"/> bytes behind is disconnected, so that a
/// stalled reader can neither block the container nor grow the shim without bound.</remarks>
internal sealed class AttachSession
{
    public const long MaxQueued = 16L * 1024 * 1024;
    private long _queued;
    private readonly Socket _socket;
    private readonly AttachHeader _header;
    private readonly Channel<byte[]> _out = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    public AttachSession(Socket socket, AttachHeader header)
    {
        _socket = socket;
        _header = header;
    }

    /// <summary>Queues one chunk if the client asked for that stream (a terminal's output counts as stdout).</summary>
    public void Send(AttachStream stream, ReadOnlySpan<byte> data)
    {
        if (stream == AttachStream.Stdout ? !_header.Stdout : !_header.Stderr) return;
        var frame = new byte[AttachFrame.HeaderSize + data.Length];
        AttachFrame.WriteHeader(frame, stream, data.Length);
        data.CopyTo(frame.AsSpan(AttachFrame.HeaderSize));
        if (Interlocked.Add(ref _queued, frame.Length) > MaxQueued)
        {
            Console.Error.WriteLine("berth-shim: an attach client fell too far behind; disconnecting it");
            _out.Writer.TryComplete(new IOException("attach client too slow"));
            return;
        }
        _out.Writer.TryWrite(frame);
    }

    public void EndOutput() => _out.Writer.TryComplete();

    /// <summary>Serves the client until its output ends or it goes away.</summary>
    public async Task Run(ContainerIo io, bool stdinOnceDefault, OutputHub hub)
    {
        var stdin = PumpStdin(io, _header.StdinOnce ?? stdinOnceDefault);
        try
        {
            await foreach (var frame in _out.Reader.ReadAllAsync())
            {
                var sent = 0;
                while (sent < frame.Length)
                    sent += await _socket.SendAsync(frame.AsMemory(sent), SocketFlags.None);
                Interlocked.Add(ref _queued, -frame.Length);
            }
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // The client went away or was too slow; nothing else to do for it.
        }
        finally
        {
            hub.Remove(this);
            _socket.Dispose();
        }
        await stdin;
    }

    private async Task PumpStdin(ContainerIo io, bool stdinOnce)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) break;
                if (_header.Stdin) io.WriteStdin(buffer.AsSpan(0, n));
            }
            // docker: the client's stdin EOF closes the container's stdin only with StdinOnce and no terminal.
            if (_header.Stdin && stdinOnce && !io.Terminal) io.CloseStdin();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Connection closed by us (output ended) or reset by the client.
        }
    }
}
