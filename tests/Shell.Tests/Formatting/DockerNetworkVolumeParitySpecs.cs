using System.Text.Json;
using Berth.Shell.Formatting;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

/// <summary>`docker network ls` and `docker volume ls` against canned answers, byte for byte (names already in docker's sort order;
/// at most one label each, because docker prints several in random map order).</summary>
public sealed class DockerNetworkVolumeParitySpecs : IAsyncLifetime
{
    private const string Networks = """
        [{"Name":"bridge","Id":"696a00f11a40bd8ce772f293e3fcbd14d0cca0c766fa70e61f6080105f7b72c5","Created":"2026-11-26T15:30:01.123456789Z","Scope":"local","Driver":"bridge","EnableIPv6":false,"Internal":false,"Labels":{}},
         {"Name":"host","Id":"1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988","Created":"2026-11-20T10:00:00Z","Scope":"local","Driver":"host","EnableIPv6":false,"Internal":false,"Labels":null},
         {"Name":"testnet-with-a-long-name","Id":"abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd","Created":"2026-11-26T16:01:14.5Z","Scope":"local","Driver":"bridge","EnableIPv6":true,"Internal":true,"Labels":{"a":"2"}}]
        """;

    private const string Volumes = """
        {"Volumes":[{"CreatedAt":"2026-11-26T16:01:14Z","Driver":"local","Labels":{"a":"y"},"Mountpoint":"/var/lib/berth/volumes/data/_data","Name":"data","Options":null,"Scope":"local"},
                    {"CreatedAt":"2026-11-26T16:01:15Z","Driver":"local","Labels":null,"Mountpoint":"/var/lib/berth/volumes/testvol/_data","Name":"testvol","Options":null,"Scope":"local","UsageData":{"RefCount":2,"Size":1982347}}],
         "Warnings":null}
        """;

    private readonly FakeEngineServer _server = new();

    public ValueTask InitializeAsync()
    {
        _server.Map("GET", "/networks", _ => FakeResponse.Json(Networks));
        _server.Map("GET", "/volumes", _ => FakeResponse.Json(Volumes));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("table {{.ID}}\t{{.Name}}\t{{.IPv6}}\t{{.Internal}}\t{{.Labels}}\t{{.CreatedAt}}")]
    [InlineData("{{.Name}} {{.Label \"a\"}} {{json .}}")]
    public async Task Network_listings_are_identical(string? format)
    {
        var args = format == null ? new[] { "network", "ls" } : ["network", "ls", "--format", format];
        var docker = await DockerCli.RunAsync(_server, args);
        Assert.True(docker.ExitCode == 0, docker.Stderr);
        var rows = JsonDocument.Parse(Networks).RootElement.EnumerateArray().Select(n => (object?)new NetworkRow(n, truncate: true));
        Assert.Equal(docker.Stdout, OutputFormat.Parse(format ?? NetworkRow.DefaultTable).Render(rows, DockerHeaders.Networks));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("table {{.Name}}\t{{.Driver}}\t{{.Scope}}\t{{.Mountpoint}}\t{{.Labels}}\t{{.Links}}\t{{.Size}}")]
    [InlineData("{{.Name}} {{.Label \"a\"}} {{json .}}")]
    public async Task Volume_listings_are_identical(string? format)
    {
        var args = format == null ? new[] { "volume", "ls" } : ["volume", "ls", "--format", format];
        var docker = await DockerCli.RunAsync(_server, args);
        Assert.True(docker.ExitCode == 0, docker.Stderr);
        var rows = JsonDocument.Parse(Volumes).RootElement.GetProperty("Volumes").EnumerateArray().Select(v => (object?)new VolumeRow(v));
        Assert.Equal(docker.Stdout, OutputFormat.Parse(format ?? VolumeRow.DefaultTable).Render(rows, DockerHeaders.Volumes));
    }
}
