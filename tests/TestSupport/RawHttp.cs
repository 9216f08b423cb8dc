using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.TestSupport;

/// <summary>
/// HTTP/1.1 written byte by byte over a unix socket or TCP, for what HttpClient will not do: headers a browser sends,
/// half-closing after the request (socat), or a body shorter than its Content-Length.
/// </summary>
public sealed class RawHttp : IDisposable
{
    private readonly Socket _socket;

    private RawHttp(Socket socket) => _socket = socket;

    /// <summary>Connects to "unix:///path" or "tcp://ip:port".</summary>
    public static async Task<RawHttp> Connect(string address)
    {
        Socket socket;
        EndPoint endpoint;
        if (address.StartsWith("unix://", StringComparison.Ordinal))
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endpoint = new UnixDomainSocketEndPoint(address["unix://".Length..]);
        }
        else
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            endpoint = IPEndPoint.Parse(address["tcp://".Length..]);
        }
        await socket.ConnectAsync(endpoint);
        return new RawHttp(socket);
    }

    /// <summary>Sends a request head (Host and, with a body, Content-Length are added unless given) and the body bytes.</summary>
    public async Task Send(string method, string path, IEnumerable<(string Name, string Value)>? headers = null, byte[]? body = null, long? contentLength = null)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: berth\r\n");
        foreach (var (name, value) in headers ?? []) head.Append($"{name}: {value}\r\n");
        if (body != null || contentLength != null) head.Append($"Content-Length: {contentLength ?? body!.Length}\r\n");
        head.Append("\r\n");
        await _socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()), SocketFlags.None);
        if (body is { Length: > 0 }) await _socket.SendAsync(body, SocketFlags.None);
    }

    /// <summary>shutdown(SHUT_WR): the client has said everything and still reads, as socat does at the end of its input.</summary>
    public void HalfClose() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one response: status, headers and the whole body (Content-Length, chunked, or until the server closes).</summary>
    public async Task<RawResponse> Receive(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var reader = new Reader(_socket, cts.Token);
        var statusLine = await reader.Line();
        if (statusLine == null) return RawResponse.Closed;
        var parts = statusLine.Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.Line(); !string.IsNullOrEmpty(line); line = await reader.Line())
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var status = int.Parse(parts[1]);
        byte[] body;
        if (status is 204 or 304) body = [];
        else if (headers.TryGetValue("Content-Length", out var length)) body = await reader.Bytes(int.Parse(length));
        else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var all = new MemoryStream();
            while (true)
            {
                var size = Convert.ToInt32((await reader.Line() ?? "0").Split(';')[0], 16);
                if (size == 0) { await reader.Line(); break; }
                all.Write(await reader.Bytes(size));
                await reader.Line();
            }
            body = all.ToArray();
        }
        else body = await reader.Rest();
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>Whatever arrives next as text (empty when the server closed), for answers that stream and stay open.</summary>
    public async Task<string> ReadSome(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        var buffer = new byte[65536];
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Whether the server closed the connection: a read returns end of stream (or a reset).</summary>
    public async Task<bool> ServerClosed(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
                if (await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0) return true;
        }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>One request on a fresh connection; the answer.</summary>
    public static async Task<RawResponse> Request(string address, string method, string path,
        IEnumerable<(string Name, string Value)>? headers = null, string? body = null)
    {
        using var http = await Connect(address);
        await http.Send(method, path, headers, body == null ? null : Encoding.UTF8.GetBytes(body));
        return await http.Receive();
    }

    private sealed class Reader(Socket socket, CancellationToken ct)
    {
        private readonly byte[] _buffer = new byte[65536];
        private int _start, _end;
        private bool _eof;

        private async Task<bool> Fill()
        {
            if (_eof) return false;
            if (_start == _end) _start = _end = 0;
            var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            if (n == 0) { _eof = true; return false; }
            _end += n;
            return true;
        }

        public async Task<string?> Line()
        {
            var line = new StringBuilder();
            while (true)
            {
                while (_start < _end)
                {
                    var c = (char)_buffer[_start++];
                    if (c == '\n') return line.ToString().TrimEnd('\r');
                    line.Append(c);
                }
                if (!await Fill()) return line.Length > 0 ? line.ToString() : null;
            }
        }

        public async Task<byte[]> Bytes(int count)
        {
            var result = new byte[count];
            var have = 0;
            while (have < count)
            {
                if (_start == _end && !await Fill()) throw new EndOfStreamException($"the server closed after {have} of {count} body bytes");
                var n = Math.Min(count - have, _end - _start);
                Array.Copy(_buffer, _start, result, have, n);
                _start += n; have += n;
            }
            return result;
        }

        public async Task<byte[]> Rest()
        {
            using var all = new MemoryStream();
            do
            {
                all.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            while (await Fill());
            return all.ToArray();
        }
    }
}

/// <summary>A response as read off the wire; <see cref="Closed"/> when the server closed without answering.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static readonly RawResponse Closed = new(0, new Dictionary<string, string>(), "");

    public override string ToString() => $"{Status} {string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{Body}";
}
