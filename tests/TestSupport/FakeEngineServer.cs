using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Berth.TestSupport;

/// <summary>One request as the fake daemon received it.</summary>
public sealed record FakeRequest(string Method, string Target, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>A canned answer: status, headers and body (Content-Length is added).</summary>
public sealed record FakeResponse(int Status, string Body = "", string? ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse Json(string json, int status = 200) => new(status, json);
    public static FakeResponse Error(int status, string message) => new(status, $"{{\"message\":\"{message}\"}}\n");
}

/// <summary>
/// A tiny HTTP/1.1 Engine API stand-in on a unix socket in a temporary directory: answers /_ping with an
/// Api-Version, serves canned routes (matched with or without the /v1.NN prefix), records every request, and lets
/// a "raw" route take over the connection (for hijack tests). Keep-alive like dockerd.
/// </summary>
public sealed class FakeEngineServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _dir;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Method, string Path, Func<FakeRequest, FakeResponse> Handler)> _routes = [];
    private readonly List<(string Method, string Path, Func<FakeRequest, Socket, Stream, Task> Handler)> _raw = [];
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly Task _acceptLoop;

    private readonly X509Certificate2? _serverCertificate;
    private readonly X509Certificate2? _clientCa;

    /// <summary>The unix socket path (null for a tcp server).</summary>
    public string? SocketPath { get; }

    /// <summary>unix:///… or tcp://127.0.0.1:port.</summary>
    public string Address { get; }

    /// <summary>Subjects of client certificates presented over TLS.</summary>
    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    /// <summary>The Api-Version header of /_ping; null sends none.</summary>
    public string? ApiVersion { get; set; } = "1.41";

    /// <summary>Status for HEAD /_ping (docker falls back to GET unless 200 or 500).</summary>
    public int HeadPingStatus { get; set; } = 200;

    public IReadOnlyList<FakeRequest> Requests => _requests.ToList();

    public FakeEngineServer()
    {
        _dir = Path.Combine(Path.GetTempPath(), "berth-fake-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_dir);
        SocketPath = Path.Combine(_dir, "engine.sock");
        Address = "unix://" + SocketPath;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = Task.Run(AcceptLoop);
    }

    /// <summary>A TLS server on 127.0.0.1 (random port); with <paramref name="clientCa"/> it demands a client certificate signed by it.</summary>
    public FakeEngineServer(X509Certificate2 serverCertificate, X509Certificate2? clientCa)
    {
        _dir = Path.Combine(Path.GetTempPath(), "berth-fake-" + Guid.NewGuid().ToString("N")[..10]);
        _serverCertificate = serverCertificate;
        _clientCa = clientCa;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Address = $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        _acceptLoop = Task.Run(AcceptLoop);
    }

    private async Task<Stream> SecureAsync(Socket client)
    {
        Stream stream = new NetworkStream(client, ownsSocket: true);
        if (_serverCertificate == null) return stream;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _serverCertificate,
            ClientCertificateRequired = _clientCa != null,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                if (_clientCa == null) return true;
                if (cert == null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_clientCa);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                var ok = chain.Build(new X509Certificate2(cert));
                if (ok) ClientCertificates.Enqueue(cert.Subject);
                return ok;
            },
        }, _stop.Token);
        return ssl;
    }

    /// <summary>Serves <paramref name="path"/> (exact, after stripping /v1.NN) for <paramref name="method"/>.</summary>
    public FakeEngineServer Map(string method, string path, Func<FakeRequest, FakeResponse> handler)
    {
        lock (_routes) _routes.Add((method, path, handler));
        return this;
    }

    /// <summary>Gives the connection to <paramref name="handler"/> (it writes the status line itself, e.g. 101).</summary>
    public FakeEngineServer MapRaw(string method, string path, Func<FakeRequest, Socket, Stream, Task> handler)
    {
        lock (_raw) _raw.Add((method, path, handler));
        return this;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token); }
            catch { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        Stream stream;
        try { stream = await SecureAsync(client); }
        catch (Exception) { client.Dispose(); return; }
        var reader = new BufferedReader(stream);
        try
        {
            while (true)
            {
                var head = await reader.ReadHeadAsync(_stop.Token);
                if (head == null) return;
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':');
                    if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                byte[] body;
                if (headers.TryGetValue("Content-Length", out var cl)) body = await reader.ReadExactAsync(int.Parse(cl, CultureInfo.InvariantCulture), _stop.Token);
                else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked")) body = await reader.ReadChunkedAsync(_stop.Token);
                else body = [];
                var target = parts[1];
                var q = target.IndexOf('?');
                var rawPath = q >= 0 ? target[..q] : target;
                var path = Regex.Replace(rawPath, @"^/v\d+\.\d+(?=/)", "");
                var request = new FakeRequest(parts[0], target, path, q >= 0 ? target[(q + 1)..] : "", headers, body);
                _requests.Enqueue(request);

                Func<FakeRequest, Socket, Stream, Task>? raw;
                lock (_raw) raw = _raw.LastOrDefault(r => r.Method == request.Method && r.Path == path).Handler;
                if (raw != null)
                {
                    await raw(request, client, new PrefixedStream(reader.TakeBuffered(), stream));
                    return;
                }
                var response = Answer(request);
                await WriteAsync(stream, request.Method, response);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
        catch (IOException) { }
        finally { await stream.DisposeAsync(); }
    }

    private FakeResponse Answer(FakeRequest request)
    {
        if (request.Path == "/_ping")
        {
            var headers = new Dictionary<string, string> { ["Ostype"] = "linux", ["Docker-Experimental"] = "false" };
            if (ApiVersion != null) headers["Api-Version"] = ApiVersion;
            if (request.Method == "HEAD") return new FakeResponse(HeadPingStatus, "", "text/plain; charset=utf-8", headers);
            return new FakeResponse(200, "OK", "text/plain; charset=utf-8", headers);
        }
        Func<FakeRequest, FakeResponse>? handler;
        lock (_routes) handler = _routes.LastOrDefault(r => r.Method == request.Method && r.Path == request.Path).Handler;
        return handler != null ? handler(request) : FakeResponse.Error(404, "page not found");
    }

    private static async Task WriteAsync(Stream stream, string method, FakeResponse r)
    {
        var body = Encoding.UTF8.GetBytes(r.Body);
        var sb = new StringBuilder($"HTTP/1.1 {r.Status} {Reason(r.Status)}\r\nServer: fake-engine\r\n");
        if (r.Headers == null) sb.Append("Api-Version: 1.41\r\n");
        if (r.ContentType != null) sb.Append("Content-Type: ").Append(r.ContentType).Append("\r\n");
        foreach (var (k, v) in r.Headers ?? new Dictionary<string, string>()) sb.Append(k).Append(": ").Append(v).Append("\r\n");
        sb.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
        if (method != "HEAD") await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 201 => "Created", 204 => "No Content", 304 => "Not Modified", 400 => "Bad Request",
        404 => "Not Found", 409 => "Conflict", 500 => "Internal Server Error", _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try { await _acceptLoop; } catch { }
        try { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Reads HTTP heads and bodies from a stream, keeping what it over-read.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private byte[] _buf = new byte[8192];
        private int _start, _end;

        public byte[] TakeBuffered()
        {
            var rest = _buf[_start.._end];
            _start = _end = 0;
            return rest;
        }

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            if (_start > 0) { Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start); _end -= _start; _start = 0; }
            if (_end == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
            var n = await stream.ReadAsync(_buf.AsMemory(_end), ct);
            _end += n;
            return n > 0;
        }

        public async Task<string?> ReadHeadAsync(CancellationToken ct)
        {
            while (true)
            {
                var idx = _buf.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
                if (idx >= 0)
                {
                    var head = Encoding.ASCII.GetString(_buf, _start, idx);
                    _start += idx + 4;
                    return head;
                }
                if (!await FillAsync(ct)) return null;
            }
        }

        public async Task<byte[]> ReadExactAsync(int n, CancellationToken ct)
        {
            while (_end - _start < n)
                if (!await FillAsync(ct)) throw new IOException("short body");
            var result = _buf[_start..(_start + n)];
            _start += n;
            return result;
        }

        private async Task<string> ReadLineAsync(CancellationToken ct)
        {
            while (true)
            {
                var idx = _buf.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (idx >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buf, _start, idx);
                    _start += idx + 2;
                    return line;
                }
                if (!await FillAsync(ct)) throw new IOException("short chunk");
            }
        }

        public async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
        {
            var body = new MemoryStream();
            while (true)
            {
                var size = int.Parse((await ReadLineAsync(ct)).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0) { await ReadLineAsync(ct); return body.ToArray(); }
                body.Write(await ReadExactAsync(size, ct));
                await ReadLineAsync(ct);
            }
        }
    }

    /// <summary>A stream that first returns bytes already read past the request head.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_pos < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsMemory(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return await inner.ReadAsync(buffer, ct);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => inner.WriteAsync(buffer, ct);
    }
}
