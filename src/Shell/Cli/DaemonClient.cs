using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Berth.Shell.Cli;

/// <summary>The Engine API over a unix socket or TCP(+TLS), with docker's version negotiation and error wording.</summary>
public sealed class DaemonClient : IDisposable
{
    public const string MaxApiVersion = "1.41";
    private readonly HttpClient _http;
    private string? _version;

    public string Host { get; }

    public DaemonClient(GlobalOptions options)
    {
        Host = options.ResolvedHost;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        Uri baseUri;
        if (Host.StartsWith("unix://"))
        {
            var path = Host["unix://".Length..];
            handler.ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try { await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct); }
                catch { s.Dispose(); throw; }
                return new NetworkStream(s, ownsSocket: true);
            };
            baseUri = new Uri("http://api.berth.localhost");
        }
        else if (Host.StartsWith("tcp://"))
        {
            var tls = options.Tls || options.TlsVerify;
            baseUri = new Uri((tls ? "https://" : "http://") + Host["tcp://".Length..]);
            if (tls) ConfigureTls(handler, options);
        }
        else throw new CliError($"unsupported host \"{Host}\": use unix:///path or tcp://host:port");
        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Berth-Client", typeof(DaemonClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    private static void ConfigureTls(SocketsHttpHandler handler, GlobalOptions o)
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CERT_PATH") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var ca = o.TlsCaCert ?? Path.Combine(dir, "ca.pem");
        var cert = o.TlsCert ?? Path.Combine(dir, "cert.pem");
        var key = o.TlsKey ?? Path.Combine(dir, "key.pem");
        handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(cert, key)];
        if (!o.TlsVerify) { handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true; return; }
        var root = X509CertificateLoader.LoadCertificateFromFile(ca);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate == null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true; // a closed network must not stall the handshake
            return chain.Build(new X509Certificate2(certificate));
        };
    }

    /// <summary>The negotiated API version: min(ours, the server's Api-Version from HEAD /_ping).</summary>
    public async Task<string> Version(CancellationToken ct = default)
    {
        if (_version != null) return _version;
        using var resp = await Send(new HttpRequestMessage(HttpMethod.Head, "/_ping"), ct);
        var server = resp.Headers.TryGetValues("Api-Version", out var v) ? v.First() : "1.24";
        return _version = Compare(server, MaxApiVersion) < 0 ? server : MaxApiVersion;
    }

    public async Task<JsonElement> GetJson(string path, CancellationToken ct = default)
    {
        var version = await Version(ct);
        using var resp = await Send(new HttpRequestMessage(HttpMethod.Get, $"/v{version}{path}"), ct);
        await EnsureSuccess(resp, ct);
        return JsonDocument.Parse(await resp.Content.ReadAsStringAsync(ct)).RootElement.Clone();
    }

    /// <summary>True when something answers _ping at the host.</summary>
    public async Task<bool> Ping(CancellationToken ct = default)
    {
        try
        {
            using var resp = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/_ping"), ct);
            return resp.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage req, CancellationToken ct)
    {
        try { return await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct); }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException or null)
        {
            throw new CliError($"Cannot connect to the berth daemon at {Host}. Is the berth daemon running?", 1);
        }
    }

    private static async Task EnsureSuccess(HttpResponseMessage resp, CancellationToken ct)
    {
        if ((int)resp.StatusCode < 400) return;
        var body = await resp.Content.ReadAsStringAsync(ct);
        var message = body;
        if (resp.Content.Headers.ContentType?.MediaType == "application/json")
        {
            try { message = JsonDocument.Parse(body).RootElement.GetProperty("message").GetString() ?? body; }
            catch (Exception e) when (e is JsonException or KeyNotFoundException) { }
        }
        throw new CliError($"Error response from daemon: {message.TrimEnd()}", (int)resp.StatusCode == 404 ? 1 : 125);
    }

    private static int Compare(string a, string b)
    {
        var pa = a.Split('.').Select(int.Parse).ToArray(); var pb = b.Split('.').Select(int.Parse).ToArray();
        return pa[0] != pb[0] ? pa[0].CompareTo(pb[0]) : pa[1].CompareTo(pb[1]);
    }

    public void Dispose() => _http.Dispose();
}
