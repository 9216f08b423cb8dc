using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Berth.Shell.Client;

/// <summary>What HEAD/GET /_ping told us about the daemon.</summary>
public sealed record PingResult(string? ApiVersion, string? OsType, bool Experimental, string? BuilderVersion, string? Swarm);

/// <summary>
/// The Engine API client every verb uses: one HttpClient over the daemon's unix socket or tcp (+TLS), API version
/// negotiation through /_ping, versioned paths (/v1.41/…), JSON helpers, docker's error mapping, streaming
/// responses and hijacked (upgraded) connections for attach and exec.
/// </summary>
public sealed class EngineClient : IDisposable
{
    /// <summary>The newest API version berth speaks.</summary>
    public const string MaxApiVersion = "1.41";

    /// <summary>What the client assumes when the daemon's ping carries no Api-Version (docker CLI 28 does the same).</summary>
    public const string FallbackApiVersion = "1.24";

    public static readonly string UserAgent = "berth/" + (typeof(EngineClient).Assembly.GetName().Version?.ToString(3) ?? "0") + " (linux)";

    /// <summary>JSON options for bodies and replies: docker's PascalCase names, case-insensitive reads.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly HttpClient _http;
    private readonly string? _pinnedVersion;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private PingResult? _ping;
    private string? _version;

    public DaemonHost Host { get; }

    /// <param name="host">Where the daemon is.</param>
    /// <param name="pinnedVersion">DOCKER_API_VERSION / BERTH_API_VERSION: use this version instead of negotiating.</param>
    public EngineClient(DaemonHost host, string? pinnedVersion = null)
    {
        Host = host;
        _pinnedVersion = string.IsNullOrEmpty(pinnedVersion) ? null : pinnedVersion.TrimStart('v');
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        if (host.IsUnix)
            handler.ConnectCallback = async (_, ct) => (await host.ConnectAsync(ct)).Stream;
        else if (host.Tls != null)
            handler.SslOptions = host.ClientTlsOptions();
        _http = new HttpClient(handler) { BaseAddress = host.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    /// <summary>
    /// The client the verbs use: host from -H / BERTH_HOST / DOCKER_HOST / default, TLS flags and environment,
    /// and a pinned version from BERTH_API_VERSION or DOCKER_API_VERSION when set.
    /// </summary>
    public static EngineClient FromEnvironment(string? hostFlag, TlsFlags? tls = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var pinned = environment("BERTH_API_VERSION") is { Length: > 0 } b ? b : environment("DOCKER_API_VERSION");
        return new EngineClient(DaemonHost.Resolve(hostFlag, tls, environment), pinned);
    }

    /// <summary>The negotiated (or pinned) API version; null before the first request.</summary>
    public string? ApiVersion => _version;

    /// <summary>The daemon's ping answer; null before the first request or when the version is pinned and never pinged.</summary>
    public PingResult? PingInfo => _ping;

    /// <summary>Pings once (HEAD, falling back to GET) and settles the API version: min(our max, the daemon's).</summary>
    public async Task<string> NegotiateAsync(CancellationToken ct = default)
    {
        if (_version != null) return _version;
        await _negotiation.WaitAsync(ct);
        try
        {
            if (_version != null) return _version;
            _ping = await PingAsync(ct);
            _version = _pinnedVersion ?? Min(MaxApiVersion, _ping.ApiVersion ?? FallbackApiVersion);
            return _version;
        }
        finally { _negotiation.Release(); }
    }

    /// <summary>HEAD /_ping; a 200 or 500 answer counts, anything else retries with GET like docker.</summary>
    public async Task<PingResult> PingAsync(CancellationToken ct = default)
    {
        using (var head = await SendRawAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"), HttpCompletionOption.ResponseHeadersRead, ct))
        {
            if (head.StatusCode is HttpStatusCode.OK or HttpStatusCode.InternalServerError)
                return ReadPing(head);
        }
        using var get = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/_ping"), HttpCompletionOption.ResponseContentRead, ct);
        if ((int)get.StatusCode >= 400) await ThrowForErrorAsync(get, "/_ping", ct);
        return ReadPing(get);
    }

    private static PingResult ReadPing(HttpResponseMessage r)
    {
        string? H(string name) => r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;
        return new PingResult(H("Api-Version"), H("Ostype") ?? H("OSType"), H("Docker-Experimental") == "true", H("Builder-Version"), H("Swarm"));
    }

    /// <summary>Compares "major.minor" API versions.</summary>
    public static int CompareVersions(string a, string b)
    {
        static int[] Parts(string v) => v.Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
        var x = Parts(a);
        var y = Parts(b);
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    private static string Min(string a, string b) => CompareVersions(a, b) <= 0 ? a : b;

    /// <summary>The versioned request target: "/v1.41/containers/json?all=1".</summary>
    public async Task<string> PathAsync(string path, QueryString? query, CancellationToken ct)
    {
        var version = await NegotiateAsync(ct);
        var target = "/v" + version + (path.StartsWith('/') ? path : "/" + path);
        return query is { IsEmpty: false } ? target + "?" + query : target;
    }

    /// <summary>GET and deserialize JSON.</summary>
    public async Task<T> GetJsonAsync<T>(string path, QueryString? query = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, query, null, ct: ct);
        return await ReadJsonAsync<T>(response, ct);
    }

    /// <summary>GET a JSON document as a JsonElement (for inspect and --format over raw daemon data).</summary>
    public Task<JsonElement> GetJsonAsync(string path, QueryString? query = null, CancellationToken ct = default) =>
        GetJsonAsync<JsonElement>(path, query, ct);

    /// <summary>POST a JSON body (or none) and deserialize the JSON reply; an empty reply gives default.</summary>
    public async Task<T?> PostJsonAsync<T>(string path, QueryString? query = null, object? body = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, path, query, JsonContent(body), headers, ct);
        return await ReadJsonOrDefaultAsync<T>(response, ct);
    }

    /// <summary>POST ignoring the reply body (start, stop, kill, resize, tag …).</summary>
    public async Task PostAsync(string path, QueryString? query = null, object? body = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, path, query, JsonContent(body), headers, ct);
    }

    /// <summary>DELETE and deserialize a JSON reply when there is one (rmi answers a list).</summary>
    public async Task<T?> DeleteJsonAsync<T>(string path, QueryString? query = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, query, null, ct: ct);
        return await ReadJsonOrDefaultAsync<T>(response, ct);
    }

    /// <summary>DELETE ignoring the reply body.</summary>
    public async Task DeleteAsync(string path, QueryString? query = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, query, null, ct: ct);
    }

    /// <summary>
    /// Sends a request and returns once the headers arrived (the body streams), throwing DaemonError for 4xx/5xx.
    /// Status codes below 400 (including 304) are success, as in the docker CLI. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, QueryString? query, HttpContent? content,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        var target = await PathAsync(path, query, ct);
        var request = new HttpRequestMessage(method, target) { Content = content };
        if (headers != null)
            foreach (var (k, v) in headers)
                if (!request.Headers.TryAddWithoutValidation(k, v)) content?.Headers.TryAddWithoutValidation(k, v);
        var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if ((int)response.StatusCode >= 400)
        {
            using (response) await ThrowForErrorAsync(response, target, ct);
        }
        return response;
    }

    /// <summary>Opens a streaming response body (logs, events, stats, pull/push/build/load progress, export, save).</summary>
    public async Task<Stream> OpenStreamAsync(HttpMethod method, string path, QueryString? query = null, HttpContent? content = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        var response = await SendAsync(method, path, query, content, headers, ct);
        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>Opens an upgraded (hijacked) connection for attach or exec start.</summary>
    public async Task<HijackedConnection> HijackAsync(string path, QueryString? query = null, object? jsonBody = null, CancellationToken ct = default)
    {
        var target = await PathAsync(path, query, ct);
        try
        {
            return await HijackedConnection.OpenAsync(Host, target, jsonBody == null ? null : JsonSerializer.SerializeToUtf8Bytes(jsonBody, Json), ct);
        }
        catch (SocketException e)
        {
            throw new DaemonUnreachableError(Host.Address, e);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new DaemonUnreachableError(Host.Address, e);
        }
    }

    /// <summary>docker's checkResponseErr: JSON {"message"} only when Content-Type is exactly application/json, else the raw text.</summary>
    private static async Task ThrowForErrorAsync(HttpResponseMessage response, string target, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        if (body.Length == 0)
        {
            var reason = response.ReasonPhrase ?? response.StatusCode.ToString();
            throw new DaemonError(status, reason,
                $"request returned {reason} for API route and version {target}, check if the server supports the requested API version");
        }
        string message;
        if (response.Content.Headers.ContentType?.ToString() == "application/json")
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                message = doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!.Trim() : "";
            }
            catch (JsonException e)
            {
                throw new DaemonError(status, body.Trim(), "Error reading JSON: " + e.Message);
            }
        }
        else message = body.Trim();
        throw new DaemonError(status, message);
    }

    private static HttpContent? JsonContent(object? body)
    {
        if (body == null) return null;
        if (body is HttpContent c) return c;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct)
            ?? throw new InvalidDataException($"the daemon answered null to {response.RequestMessage?.RequestUri?.PathAndQuery}");
    }

    private static async Task<T?> ReadJsonOrDefaultAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (bytes.Length == 0 || bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r')) return default;
        return JsonSerializer.Deserialize<T>(bytes, Json);
    }

    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }

    /// <summary>A response body stream that also disposes its HttpResponseMessage.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); response.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
