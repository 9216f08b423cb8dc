using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Berth.Shell.Client;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

/// <summary>tcp:// with --tlsverify: the daemon is checked against our CA and our client certificate is presented.</summary>
public sealed class TlsSpecs : IAsyncLifetime
{
    private readonly DirectoryInfo _certs = Directory.CreateTempSubdirectory("berth-tls-");
    private FakeEngineServer _server = null!;
    private X509Certificate2 _ca = null!;

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool server, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = req.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so SslStream on Linux gets a usable private key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_certs.FullName, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public ValueTask InitializeAsync()
    {
        _ca = CreateCa("berth test ca");
        var serverCert = Issue(_ca, "berthd", server: true, out _);
        var clientCert = Issue(_ca, "berth client", server: false, out var clientKey);
        Write("ca.pem", _ca.ExportCertificatePem());
        Write("cert.pem", clientCert.ExportCertificatePem());
        Write("key.pem", clientKey.ExportPkcs8PrivateKeyPem());
        _server = new FakeEngineServer(serverCert, clientCa: _ca);
        _server.Map("GET", "/info", _ => FakeResponse.Json("""{"ServerVersion":"tls"}"""));
        _server.MapRaw("POST", "/containers/c/attach", async (_, socket, stream) =>
        {
            await stream.WriteAsync("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"u8.ToArray());
            var input = new MemoryStream();
            await stream.CopyToAsync(input);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(input.ToArray())));
            await stream.FlushAsync();
            stream.Dispose();
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certs.Delete(recursive: true);
    }

    private DaemonHost Host(string? certPath = null) =>
        DaemonHost.Resolve(_server.Address, new TlsFlags(TlsVerify: true), k => k switch
        {
            "DOCKER_CERT_PATH" => certPath ?? _certs.FullName,
            _ => null,
        });

    [Fact]
    public async Task A_verified_daemon_answers_and_sees_our_client_certificate()
    {
        using var client = new EngineClient(Host());
        var info = await client.GetJsonAsync("/info");
        Assert.Equal("tls", info.GetProperty("ServerVersion").GetString());
        Assert.Contains("CN=berth client", _server.ClientCertificates);
    }

    [Fact]
    public async Task A_daemon_signed_by_another_ca_is_refused()
    {
        var other = Directory.CreateTempSubdirectory("berth-tls-other-");
        try
        {
            File.WriteAllText(Path.Combine(other.FullName, "ca.pem"), CreateCa("someone else").ExportCertificatePem());
            File.Copy(Path.Combine(_certs.FullName, "cert.pem"), Path.Combine(other.FullName, "cert.pem"));
            File.Copy(Path.Combine(_certs.FullName, "key.pem"), Path.Combine(other.FullName, "key.pem"));
            using var client = new EngineClient(Host(other.FullName));
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetJsonAsync("/info"));
            Assert.IsType<AuthenticationException>(e.InnerException);
        }
        finally { other.Delete(recursive: true); }
    }

    [Fact]
    public async Task A_hijacked_stream_over_tls_half_closes_and_keeps_reading()
    {
        using var client = new EngineClient(Host());
        await using var conn = await client.HijackAsync("/containers/c/attach");
        await conn.WriteAsync("over tls"u8.ToArray());
        await conn.CloseWriteAsync();
        var output = new MemoryStream();
        await conn.CopyToAsync(output);
        Assert.Equal("echo:over tls", Encoding.UTF8.GetString(output.ToArray()));
    }
}
