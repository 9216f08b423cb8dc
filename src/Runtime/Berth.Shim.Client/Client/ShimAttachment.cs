using System.Net.Sockets;
using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Client;

/// <summary>One output chunk from the container, tagged with its stream.</summary>
public readonly record struct AttachChunk(AttachStream Stream, byte[] Data);

/// <summary>
/// An attach connection to a shim: read stdcopy-framed output until the container's output ends,
/// write stdin, half-close for stdin EOF.
/// </summary>
public sealed class ShimAttachment : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _header = new byte[AttachFrame.HeaderSize];

    private ShimAttachment(Socket socket) => _socket = socket;

    internal static async Task<ShimAttachment> OpenAsync(string path, AttachHeader header, CancellationToken ct)
    {
        var socket = await ShimClient.Connect(path, ct);
        var line = JsonSerializer.SerializeToUtf8Bytes(header, ShimJson.Default.AttachHeader);
        await socket.SendAsync(line, SocketFlags.None, ct);
        await socket.SendAsync("\n"u8.ToArray(), SocketFlags.None, ct);
        return new ShimAttachment(socket);
    }

    /// <summary>The raw connection, for a daemon that forwards frames verbatim (non-TTY) or strips headers (TTY).</summary>
    public Socket Socket => _socket;

    /// <summary>The next chunk, or null once the shim has closed the stream (the container's output ended).</summary>
    public async Task<AttachChunk?> ReadAsync(CancellationToken ct = default)
    {
        if (!await ReadExactly(_header, ct)) return null;
        var (stream, length) = AttachFrame.ReadHeader(_header);
        var data = new byte[length];
        if (!await ReadExactly(data, ct)) throw new IOException("berth-shim closed the attach stream inside a frame");
        return new AttachChunk(stream, data);
    }

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        while (!data.IsEmpty)
            data = data[await _socket.SendAsync(data, SocketFlags.None, ct)..];
    }

    /// <summary>Half-closes: the shim sees stdin EOF but keeps sending output.</summary>
    public void CloseStdin() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Fills <paramref name="buffer"/>; false on a clean end of stream before its first byte.</summary>
    private async Task<bool> ReadExactly(byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            if (n == 0)
                return read == 0 ? false : throw new IOException("berth-shim closed the attach stream inside a frame");
            read += n;
        }
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
