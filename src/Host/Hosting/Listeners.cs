using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Berth.Host.Configuration;
using Berth.Runtime.Native;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Berth.Host.Hosting;

/// <summary>Where the Engine API listens: unix sockets (0660, stale ones replaced, live ones refused) and TCP (TLS unless loopback or told otherwise).</summary>
public static partial class Listeners
{
    public static void Configure(KestrelServerOptions kestrel, DaemonOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = null;           // image loads and build contexts are large
        kestrel.Limits.MinRequestBodyDataRate = null;       // stdin may trickle
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
        kestrel.Limits.MaxRequestHeadersTotalSize = 1 << 20;

        foreach (var address in options.Hosts.Select(ListenAddress.Parse))
        {
            if (address.UnixPath is { } path)
            {
                PrepareUnixSocket(path);
                kestrel.ListenUnixSocket(path, l =>
                {
                    l.Protocols = HttpProtocols.Http1;
                    HalfClose.Tolerate(l);
                    ClientInput.Pump(l);
                });
            }
            else
            {
                var tcp = address.Tcp!;
                var tls = options.Tls.Verify || options.Tls.Tls;
                if (!tls && !address.IsLoopback && !options.InsecureTcp)
                    throw new ConfigurationException(
                        $"refusing to listen on {address.Original} without TLS: anyone who can reach it controls this host. " +
                        "Use --tlsverify with --tlscacert, --tlscert and --tlskey, or pass --insecure-tcp to accept the risk");
                kestrel.Listen(tcp, l =>
                {
                    l.Protocols = HttpProtocols.Http1;
                    if (tls) l.UseHttps(Https(options.Tls));
                    HalfClose.Tolerate(l);
                    ClientInput.Pump(l);
                });
            }
        }
    }

    /// <summary>
    /// dockerd's warning, for every TCP listener that does not verify client certificates, loopback included: any local
    /// process (and any web page, were it not for Api.BrowserRequests) that reaches it is root on this host.
    /// </summary>
    public static void WarnAboutPlainTcp(DaemonOptions options, ILogger log)
    {
        if (options.Tls.Verify) return;
        foreach (var address in options.Hosts.Select(ListenAddress.Parse).Where(a => a.Tcp != null))
            log.LogWarning("Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network. host=\"{Host}\"",
                address.Original);
    }

    /// <summary>
    /// After Kestrel bound: the sockets become root:docker (when that group exists) with mode 0660. A socket inside the
    /// exec root (the default, /run/berth/berth.sock) needs its group to pass through it: the exec root becomes 0710
    /// root:docker, which lets that group reach the socket and nothing else (everything in the exec root is 0700).
    /// </summary>
    public static void SecureUnixSockets(DaemonOptions options)
    {
        var gid = GroupId("docker");
        foreach (var address in options.Hosts.Select(ListenAddress.Parse).Where(a => a.UnixPath != null))
        {
            File.SetUnixFileMode(address.UnixPath!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            if (gid is not { } group) continue;
            FileSystem.Chown(address.UnixPath!, 0, group);
            if (Path.GetDirectoryName(Path.GetFullPath(address.UnixPath!)) == Path.GetFullPath(options.ExecRoot).TrimEnd('/'))
            {
                FileSystem.Chown(options.ExecRoot, 0, group);
                File.SetUnixFileMode(options.ExecRoot, ExactMode.Dir0710);
            }
        }
    }

    private static uint? GroupId(string name)
    {
        if (!File.Exists("/etc/group")) return null;
        foreach (var line in File.ReadLines("/etc/group"))
        {
            var f = line.Split(':');
            if (f.Length > 2 && f[0] == name && uint.TryParse(f[2], out var gid)) return gid;
        }
        return null;
    }

    private static void PrepareUnixSocket(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        // 0711 whatever the umask: the socket's group must be able to pass through to it.
        ExactMode.CreateDirectories(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                         UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        if (!File.Exists(path)) return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody answers: a stale socket of a dead daemon
            return;
        }
        throw new ConfigurationException($"another daemon is already listening on unix://{path}: stop it first, or choose another socket with -H");
    }

    private static HttpsConnectionAdapterOptions Https(TlsOptions tls)
    {
        var cert = X509Certificate2.CreateFromPemFile(tls.Cert!, tls.Key!);
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null) };
        if (!tls.Verify) return https;
        var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCert!);
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.ClientCertificateValidation = (client, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true; // a closed network must not stall the handshake
            return chain.Build(client);
        };
        return https;
    }
}
