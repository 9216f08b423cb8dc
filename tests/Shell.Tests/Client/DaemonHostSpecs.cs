using Berth.Shell.Client;

namespace Berth.Shell.Tests.Client;

public sealed class DaemonHostSpecs
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars)
    {
        var d = vars.ToDictionary(v => v.Key, v => (string?)v.Value);
        return k => d.GetValueOrDefault(k);
    }

    [Fact]
    public void The_default_is_the_berth_socket() =>
        Assert.Equal("unix:///run/berth/berth.sock", DaemonHost.Resolve(null, environment: Env()).Address);

    [Fact]
    public void Docker_host_is_used_when_nothing_else_is_set() =>
        Assert.Equal("unix:///var/run/docker.sock", DaemonHost.Resolve(null, environment: Env(("DOCKER_HOST", "unix:///var/run/docker.sock"))).Address);

    [Fact]
    public void Berth_host_wins_over_docker_host() =>
        Assert.Equal("unix:///b.sock", DaemonHost.Resolve(null, environment: Env(("DOCKER_HOST", "unix:///d.sock"), ("BERTH_HOST", "unix:///b.sock"))).Address);

    [Fact]
    public void The_h_flag_wins_over_everything() =>
        Assert.Equal("tcp://10.0.0.1:2375", DaemonHost.Resolve("tcp://10.0.0.1:2375", environment: Env(("BERTH_HOST", "unix:///b.sock"))).Address);

    [Fact]
    public void Empty_values_fall_through_to_the_next_source() =>
        Assert.Equal("unix:///d.sock", DaemonHost.Resolve("", environment: Env(("BERTH_HOST", ""), ("DOCKER_HOST", "unix:///d.sock"))).Address);

    [Theory]
    [InlineData("tcp://example.org", null, "tcp://example.org:2375")]
    [InlineData("tcp://example.org", "1", "tcp://example.org:2376")]
    [InlineData("tcp://[::1]:1234", null, "tcp://[::1]:1234")]
    [InlineData("tcp://:2375", null, "tcp://localhost:2375")]
    public void Tcp_addresses_get_dockers_default_ports(string address, string? tlsVerify, string expected)
    {
        var env = tlsVerify == null ? Env() : Env(("DOCKER_TLS_VERIFY", tlsVerify), ("DOCKER_CERT_PATH", "/nonexistent"));
        Assert.Equal(expected, DaemonHost.Resolve(address, environment: env).Address);
    }

    [Fact]
    public void Tls_verify_from_the_environment_takes_certificates_from_the_cert_path()
    {
        var dir = Directory.CreateTempSubdirectory("berth-certs-");
        try
        {
            foreach (var f in new[] { "ca.pem", "cert.pem", "key.pem" }) File.WriteAllText(Path.Combine(dir.FullName, f), "x");
            var host = DaemonHost.Resolve("tcp://h:1", environment: Env(("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", dir.FullName)));
            Assert.Equal(new TlsSettings(true, Path.Combine(dir.FullName, "ca.pem"), Path.Combine(dir.FullName, "cert.pem"), Path.Combine(dir.FullName, "key.pem")), host.Tls);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Explicit_tls_flags_beat_the_environment()
    {
        var host = DaemonHost.Resolve("tcp://h:1", new TlsFlags(TlsVerify: false, Tls: true, CaCert: "/my/ca.pem"), Env(("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", "/nonexistent")));
        Assert.Equal(new TlsSettings(false, "/my/ca.pem", null, null), host.Tls);
    }

    [Fact]
    public void Without_tls_there_are_no_tls_settings() =>
        Assert.Null(DaemonHost.Resolve("tcp://h:1", environment: Env()).Tls);

    [Theory]
    [InlineData("http://x")]
    [InlineData("tcp://h:notaport")]
    [InlineData("/var/run/docker.sock")]
    public void Unsupported_addresses_are_rejected(string address)
    {
        var e = Assert.Throws<FormatException>(() => DaemonHost.Parse(address));
        Assert.Equal($"unable to parse berth host `{address}`", e.Message);
    }
}
