using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Shell.Client;

/// <summary>The TLS flags of the command line (--tls, --tlsverify, --tlscacert, --tlscert, --tlskey), null when not given.</summary>
public sealed record TlsFlags(bool Tls = false, bool? TlsVerify = null, string? CaCert = null, string? Cert = null, string? Key = null);

/// <summary>Resolved TLS material for a tcp:// daemon: verify the server against CaCert, present Cert/Key when given.</summary>
public sealed record TlsSettings(bool Verify, string? CaCert, string? Cert, string? Key);

/// <summary>
/// Where the daemon listens: unix:///path or tcp://host:port (optionally TLS). Resolution follows the docker CLI:
/// -H, else BERTH_HOST, else DOCKER_HOST, else unix:///run/berth/berth.sock.
/// </summary>
public sealed record DaemonHost(string Address, string Scheme, string? SocketPath, string? HostName, int Port, TlsSettings? Tls)
{
    public const string DefaultAddress = "unix:///run/berth/berth.sock";
    public const int DefaultHttpPort = 2375;
    public const int DefaultTlsPort = 2376;

    public bool IsUnix => Scheme == "unix";

    /// <summary>Applies docker's precedence and TLS defaults (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, ~/.docker).</summary>
    public static DaemonHost Resolve(string? hostFlag, TlsFlags? tls = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        tls ??= new TlsFlags();
        var address = FirstNonEmpty(hostFlag, environment("BERTH_HOST"), environment("DOCKER_HOST")) ?? DefaultAddress;

        var verify = tls.TlsVerify ?? !string.IsNullOrEmpty(environment("DOCKER_TLS_VERIFY"));
        var useTls = tls.Tls || verify;
        TlsSettings? settings = null;
        if (useTls)
        {
            var certDir = FirstNonEmpty(environment("DOCKER_CERT_PATH"))
                ?? Path.Combine(FirstNonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            // Like docker: an explicit flag must exist; a default file is used only when present.
            static string? Pick(string? flag, string fallback) => flag ?? (File.Exists(fallback) ? fallback : null);
            settings = new TlsSettings(verify,
                Pick(tls.CaCert, Path.Combine(certDir, "ca.pem")),
                Pick(tls.Cert, Path.Combine(certDir, "cert.pem")),
                Pick(tls.Key, Path.Combine(certDir, "key.pem")));
        }
        return Parse(address, settings);
    }

    /// <summary>Parses unix:///path or tcp://host[:port]; a tcp address without a port gets 2375, or 2376 with TLS.</summary>
    public static DaemonHost Parse(string address, TlsSettings? tls = null)
    {
        var a = address.Trim();
        if (a.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = a["unix://".Length..];
            if (path.Length == 0) path = "/run/berth/berth.sock";
            return new DaemonHost("unix://" + path, "unix", path, null, 0, null);
        }
        if (a.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var rest = a["tcp://".Length..].TrimEnd('/');
            string host;
            var port = tls != null ? DefaultTlsPort : DefaultHttpPort;
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                if (close < 0) throw Invalid(address);
                host = rest[1..close];
                var after = rest[(close + 1)..];
                if (after.StartsWith(':') && !int.TryParse(after[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port)) throw Invalid(address);
            }
            else
            {
                var colon = rest.LastIndexOf(':');
                host = colon >= 0 ? rest[..colon] : rest;
                if (colon >= 0 && !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)) throw Invalid(address);
            }
            if (host.Length == 0) host = "localhost";
            if (port is <= 0 or > 65535) throw Invalid(address);
            var shown = host.Contains(':') ? $"[{host}]" : host;
            return new DaemonHost($"tcp://{shown}:{port}", "tcp", null, host, port, tls);
        }
        throw Invalid(address);
    }

    private static FormatException Invalid(string address) => new($"unable to parse berth host `{address}`");

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>The base URI HttpClient uses; the host part of unix sockets is a placeholder like docker's api.moby.localhost.</summary>
    public Uri BaseUri => IsUnix ? new Uri("http://api.moby.localhost") :
        new Uri($"{(Tls != null ? "https" : "http")}://{(HostName!.Contains(':') ? $"[{HostName}]" : HostName)}:{Port}");

    /// <summary>Opens a raw connection to the daemon (TLS-wrapped for tcp with TLS); used for hijacked streams.</summary>
    public async Task<(Socket Socket, Stream Stream)> ConnectAsync(CancellationToken ct)
    {
        Socket socket;
        if (IsUnix)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try { await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath!), ct); }
            catch { socket.Dispose(); throw; }
            return (socket, new NetworkStream(socket, ownsSocket: true));
        }
        socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try { await socket.ConnectAsync(new DnsEndPoint(HostName!, Port), ct); }
        catch { socket.Dispose(); throw; }
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (Tls != null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(ClientTlsOptions(), ct);
            stream = ssl;
        }
        return (socket, stream);
    }

    /// <summary>TLS options shared by HttpClient and hijacked connections: custom CA when verifying, client certificate when given.</summary>
    public SslClientAuthenticationOptions ClientTlsOptions()
    {
        var tls = Tls ?? throw new InvalidOperationException("not a TLS host");
        var options = new SslClientAuthenticationOptions { TargetHost = HostName };
        if (tls.Cert != null && tls.Key != null)
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.Cert, tls.Key)];
        if (!tls.Verify)
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (tls.CaCert != null)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCert);
            options.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert == null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                var nameOk = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                return nameOk && chain.Build(new X509Certificate2(cert));
            };
        }
        return options;
    }
}
