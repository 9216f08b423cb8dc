using System.Net;
using System.Net.Sockets;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

public sealed class ListenerSpecs
{
    [Fact]
    public async Task The_socket_is_mode_0660()
    {
        await using var d = await Berthd.Start();
        var mode = File.GetUnixFileMode(d.Socket);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Fact]
    public async Task A_stale_socket_of_a_dead_daemon_is_replaced()
    {
        using var dir = new TempDir();
        var path = dir.Combine("berth.sock");
        // A process binds the socket and dies without unlinking it: what a crashed daemon leaves behind.
        var bind = await Run.Program("/usr/bin/python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]);
        Assert.Equal(0, bind.ExitCode);
        Assert.True(File.Exists(path));
        await using var d = await Berthd.Start(dir);
        var r = await Run.Docker(d.Host, "version", "--format", "{{.Server.Version}}");
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public async Task A_second_daemon_on_a_live_socket_is_refused_and_the_first_keeps_serving()
    {
        await using var first = await Berthd.Start();
        using var other = new TempDir();
        var r = await Run.Program(Repo.Binary("berthd"),
            ["-H", first.Host, "--data-root", other.Combine("d"), "--exec-root", other.Combine("e")]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"another daemon is already listening on {first.Host}", r.Stderr);
        Assert.Equal(0, (await Run.Docker(first.Host, "version")).ExitCode);
    }

    [Fact]
    public async Task Plain_tcp_on_a_non_loopback_address_is_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var r = await Run.Program(Repo.Binary("berthd"),
            ["-H", "tcp://0.0.0.0:23751", "--data-root", dir.Combine("d"), "--exec-root", dir.Combine("e")]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("refusing to listen on tcp://0.0.0.0:23751 without TLS", r.Stderr);
    }

    [Fact]
    public async Task Plain_tcp_on_loopback_is_allowed()
    {
        using var dir = new TempDir();
        var port = Loopback.FreePort();
        await using var d = await Berthd.Start(dir, "-H", $"tcp://127.0.0.1:{port}");
        var r = await Run.Docker($"tcp://127.0.0.1:{port}", "version", "--format", "{{.Server.APIVersion}}");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("1.41", r.Stdout.Trim());
    }

    [Fact]
    public async Task Every_plain_tcp_listener_is_warned_about_at_start_even_on_loopback()
    {
        using var dir = new TempDir();
        string[] tcp = [$"tcp://127.0.0.1:{Loopback.FreePort()}", $"tcp://127.0.0.2:{Loopback.FreePort()}"];

        await using var d = await Berthd.Start(dir, "-H", tcp[0], "-H", tcp[1]);

        var warnings = d.Log.Split('\n').Where(l => l.Contains(
            "Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network.")).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("warn:", w));
        Assert.Contains(tcp[0], warnings[0] + warnings[1]);
        Assert.Contains(tcp[1], warnings[0] + warnings[1]);
    }

    [Fact]
    public async Task Tls_with_client_certificates_admits_a_client_with_a_signed_cert_and_refuses_one_without()
    {
        using var dir = new TempDir();
        var pki = await Pki.Create(dir.Combine("pki"));
        var port = Loopback.FreePort();
        var tcp = $"tcp://127.0.0.1:{port}";
        // Bind a non-loopback-looking check too: TLS makes any address acceptable, loopback keeps the test local.
        await using var d = await Berthd.Start(dir, "-H", tcp, "--tlsverify", "--tlscacert", pki.Ca, "--tlscert", pki.ServerCert, "--tlskey", pki.ServerKey);
        Assert.DoesNotContain("without --tlsverify", d.Log);

        // A .NET client with the signed client cert gets in (this also takes the first, slow TLS handshake of the
        // daemon, which under load can exceed the docker CLI's fixed 10 s handshake timeout).
        using (var signed = new HttpClient(new HttpClientHandler
        {
            ClientCertificates = { System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(pki.ClientCert, pki.ClientKey) },
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        }))
            Assert.Equal("OK", await signed.GetStringAsync($"https://127.0.0.1:{port}/_ping", TestContext.Current.CancellationToken));

        var ok = await Run.Program("/usr/local/bin/docker",
            ["--tlsverify", "--tlscacert", pki.Ca, "--tlscert", pki.ClientCert, "--tlskey", pki.ClientKey, "-H", tcp, "version", "--format", "{{.Server.Version}}"]);
        Assert.True(ok.ExitCode == 0, ok.ToString());

        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"https://127.0.0.1:{port}/_ping"));
    }

    /// <summary>A throwaway CA with a server cert for 127.0.0.1 and a client cert, made with openssl.</summary>
    private sealed record Pki(string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey)
    {
        public static async Task<Pki> Create(string dir)
        {
            Directory.CreateDirectory(dir);
            string P(string f) => Path.Combine(dir, f);
            async Task Ssl(params string[] args)
            {
                var r = await Run.Program("/usr/bin/openssl", args);
                if (r.ExitCode != 0) throw new InvalidOperationException(r.ToString());
            }
            await File.WriteAllTextAsync(P("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            await File.WriteAllTextAsync(P("client.ext"), "extendedKeyUsage=clientAuth\n");
            await Ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", P("ca-key.pem"), "-out", P("ca.pem"), "-days", "2", "-subj", "/CN=berth-test-ca");
            foreach (var who in new[] { "server", "client" })
            {
                await Ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", P($"{who}-key.pem"), "-out", P($"{who}.csr"), "-subj", $"/CN=berth-test-{who}");
                await Ssl("x509", "-req", "-in", P($"{who}.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca-key.pem"), "-CAcreateserial",
                    "-out", P($"{who}.pem"), "-days", "2", "-extfile", P($"{who}.ext"));
            }
            return new Pki(P("ca.pem"), P("server.pem"), P("server-key.pem"), P("client.pem"), P("client-key.pem"));
        }
    }
}
