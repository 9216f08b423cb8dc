using System.Text;
using Berth.Shell.Client;

namespace Berth.Shell.Tests.Client;

public sealed class RegistryAuthSpecs
{
    [Fact]
    public void Anonymous_is_an_empty_json_object() => Assert.Equal("e30=", RegistryAuth.Encode(null));

    [Fact]
    public void Credentials_encode_exactly_as_the_docker_cli_sent_them() =>
        // The header recorded in shared/traces/pull.log.
        Assert.Equal("eyJ1c2VybmFtZSI6InRlc3R1c2VyIiwicGFzc3dvcmQiOiJ0ZXN0cGFzcyIsInNlcnZlcmFkZHJlc3MiOiIxMjcuMC4wLjE6NTAwMCJ9",
            RegistryAuth.Encode(new AuthConfig("testuser", "testpass", ServerAddress: "127.0.0.1:5000")));

    [Fact]
    public void The_encoding_is_url_safe_base64()
    {
        var encoded = RegistryAuth.Encode(new AuthConfig("u", "??>>??>>"));
        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain('/', encoded);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Replace('-', '+').Replace('_', '/')));
        Assert.Equal("{\"username\":\"u\",\"password\":\"??>>??>>\"}", json);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/bb2:1", "127.0.0.1:5000")]
    [InlineData("localhost/x", "localhost")]
    [InlineData("registry.example.com/team/app", "registry.example.com")]
    [InlineData("alpine", RegistryAuth.DockerHubKey)]
    [InlineData("library/alpine:3", RegistryAuth.DockerHubKey)]
    [InlineData("docker.io/library/alpine", RegistryAuth.DockerHubKey)]
    public void The_registry_comes_from_the_first_path_component(string reference, string registry) =>
        Assert.Equal(registry, RegistryAuth.RegistryOf(reference));

    [Fact]
    public void Stored_logins_are_read_from_the_docker_config()
    {
        var dir = Directory.CreateTempSubdirectory("berth-dockercfg-");
        try
        {
            var local = Convert.ToBase64String("testuser:test:pass"u8);
            var hub = Convert.ToBase64String("hub:secret"u8);
            File.WriteAllText(Path.Combine(dir.FullName, "config.json"),
                "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + local + "\"},\"https://index.docker.io/v1/\":{\"auth\":\"" + hub + "\"}}}");
            Assert.Equal(new AuthConfig("testuser", "test:pass", ServerAddress: "127.0.0.1:5000"), RegistryAuth.FromConfig("127.0.0.1:5000", dir.FullName));
            Assert.Equal(new AuthConfig("hub", "secret", ServerAddress: RegistryAuth.DockerHubKey), RegistryAuth.FromConfig(RegistryAuth.DockerHubKey, dir.FullName));
            Assert.Null(RegistryAuth.FromConfig("other.example.com", dir.FullName));
        }
        finally { dir.Delete(true); }
    }
}
