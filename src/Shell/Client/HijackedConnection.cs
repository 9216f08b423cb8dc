using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Berth.Shell.Client;

/// <summary>
/// A hijacked attach/exec connection: the request is written by hand with "Connection: Upgrade" and
/// "Upgrade: tcp", the daemon answers "101 UPGRADED" (old daemons: 200 and a raw stream) and the socket then
/// carries raw stdin one way and output (stdcopy frames, or raw TTY bytes) the other. CloseWrite half-closes
/// when stdin ends while reading continues.
/// </summary>
public sealed class HijackedConnection : Stream
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private byte[] _leftover;
    private int _leftoverPos;
    private bool _writeClosed;

    /// <summary>The status code of the upgrade answer (101, or 200 from old daemons).</summary>
    public int StatusCode { get; }

    /// <summary>Content-Type of the upgrade answer (application/vnd.docker.raw-stream or …multiplexed-stream).</summary>
    public string? ContentType { get; }

    private HijackedConnection(Socket socket, Stream stream, int status, string? contentType, byte[] leftover)
    {
        _socket = socket;
        _stream = stream;
        StatusCode = status;
        ContentType = contentType;
        _leftover = leftover;
    }

    internal static async Task<HijackedConnection> OpenAsync(DaemonHost host, string target, byte[]? jsonBody, CancellationToken ct)
    {
        var (socket, stream) = await host.ConnectAsync(ct);
        try
        {
            var body = jsonBody ?? [];
            var request = new StringBuilder()
                .Append("POST ").Append(target).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(host.IsUnix ? "api.moby.localhost" : host.BaseUri.Authority).Append("\r\n")
                .Append("User-Agent: ").Append(EngineClient.UserAgent).Append("\r\n")
                .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
                .Append("Connection: Upgrade\r\n")
                .Append("Content-Type: ").Append(jsonBody == null ? "text/plain" : "application/json").Append("\r\n")
                .Append("Upgrade: tcp\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), ct);
            if (body.Length > 0) await stream.WriteAsync(body, ct);
            await stream.FlushAsync(ct);

            var (head, leftover) = await ReadHeadAsync(stream, ct);
            var lines = head.Split("\r\n");
            var status = ParseStatus(lines[0]);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            headers.TryGetValue("Content-Type", out var contentType);
            if (status is 101 or 200)
                return new HijackedConnection(socket, stream, status, contentType, leftover);

            var message = await ReadErrorBodyAsync(stream, leftover, headers, ct);
            if (contentType == "application/json")
            {
                try
                {
                    using var doc = JsonDocument.Parse(message);
                    if (doc.RootElement.TryGetProperty("message", out var m)) message = m.GetString() ?? message;
                }
                catch (JsonException) { }
            }
            message = message.Trim();
            throw message.Length > 0
                ? new DaemonError(status, message)
                : new DaemonError(status, $"unable to upgrade to tcp, received {status}", $"unable to upgrade to tcp, received {status}");
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static int ParseStatus(string statusLine)
    {
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            throw new InvalidDataException($"malformed HTTP response from the daemon: \"{statusLine}\"");
        return status;
    }

    /// <summary>Reads up to the blank line ending the headers; bytes after it already belong to the stream.</summary>
    private static async Task<(string Head, byte[] Leftover)> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..filled]);
            if (filled == buffer.Length)
            {
                if (buffer.Length >= 1 << 20) throw new InvalidDataException("the daemon's upgrade response headers are too large");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) throw new IOException("the daemon closed the connection before answering the upgrade request");
            filled += n;
        }
    }

    private static async Task<string> ReadErrorBodyAsync(Stream stream, byte[] leftover, Dictionary<string, string> headers, CancellationToken ct)
    {
        var body = new MemoryStream();
        body.Write(leftover);
        var limit = headers.TryGetValue("Content-Length", out var cl) && int.TryParse(cl, out var len) ? len : 64 * 1024;
        var chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        var buffer = new byte[4096];
        while (body.Length < limit)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) break;
            body.Write(buffer, 0, n);
        }
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)Math.Min(body.Length, limit));
        if (chunked)
        {
            // Keep only chunk payloads: "len\r\npayload\r\n…0\r\n\r\n".
            var sb = new StringBuilder();
            var rest = text;
            while (rest.IndexOf("\r\n", StringComparison.Ordinal) is var nl and > 0 &&
                   int.TryParse(rest[..nl], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) && size > 0 && rest.Length >= nl + 2 + size)
            {
                sb.Append(rest, nl + 2, size);
                rest = rest[(nl + 2 + size)..].TrimStart('\r', '\n');
            }
            text = sb.ToString();
        }
        return text;
    }

    /// <summary>Half-closes: the daemon sees EOF on stdin while output keeps flowing to us.</summary>
    public async Task CloseWriteAsync()
    {
        if (_writeClosed) return;
        _writeClosed = true;
        if (_stream is SslStream ssl) await ssl.ShutdownAsync();
        _socket.Shutdown(SocketShutdown.Send);
    }

    public override bool CanRead => true;
    public override bool CanWrite => !_writeClosed;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_leftoverPos < _leftover.Length)
        {
            var n = Math.Min(buffer.Length, _leftover.Length - _leftoverPos);
            _leftover.AsMemory(_leftoverPos, n).CopyTo(buffer);
            _leftoverPos += n;
            if (_leftoverPos == _leftover.Length) { _leftover = []; _leftoverPos = 0; }
            return n;
        }
        return await _stream.ReadAsync(buffer, ct);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _stream.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => _stream.WriteAsync(buffer, ct);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => _stream.WriteAsync(buffer, offset, count, ct);

    public override void Flush() => _stream.Flush();

    public override Task FlushAsync(CancellationToken ct) => _stream.FlushAsync(ct);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _stream.Dispose();
        base.Dispose(disposing);
    }
}
