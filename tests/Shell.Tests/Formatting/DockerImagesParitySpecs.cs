using System.Text.Json;
using Berth.Shell.Formatting;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

/// <summary>`docker images` against canned /images/json, compared byte for byte with OutputFormat + ImageRow.</summary>
public sealed class DockerImagesParitySpecs : IAsyncLifetime
{
    private readonly FakeEngineServer _server = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private JsonElement _images;

    public ValueTask InitializeAsync()
    {
        var t = _now.ToUnixTimeSeconds();
        var json = $$"""
        [
          {"Containers":2,"Created":{{t - 7200 - 600}},"Id":"sha256:19756a93e6be2d0ada96d1edf40b5f971e440c7a234c15471efe5fe950b714bf","Labels":null,"ParentId":"",
           "RepoDigests":["127.0.0.1:5000/bb2@sha256:8242a7d6e1d8b42d8fd0c1d5c1f4e7d5b1a7a3bb1e9f1e8f5d7c1b2a3c4d5e6f"],"RepoTags":["127.0.0.1:5000/bb2:1","127.0.0.1:5000/bb2:latest"],"SharedSize":-1,"Size":1982353,"VirtualSize":1982353},
          {"Containers":-1,"Created":{{t - 86400 * 20}},"Id":"sha256:bdeb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Labels":null,"ParentId":"",
           "RepoDigests":null,"RepoTags":["busybox:local"],"SharedSize":-1,"Size":4865000,"VirtualSize":4865000},
          {"Containers":-1,"Created":{{t - 86400 * 400}},"Id":"sha256:aaaa8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Labels":null,"ParentId":"",
           "RepoDigests":[],"RepoTags":[],"SharedSize":-1,"Size":1230000000,"VirtualSize":1230000000},
          {"Containers":-1,"Created":{{t - 300}},"Id":"sha256:bbbb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Labels":null,"ParentId":"",
           "RepoDigests":["alpine@sha256:1111a7d6e1d8b42d8fd0c1d5c1f4e7d5b1a7a3bb1e9f1e8f5d7c1b2a3c4d5e6f"],"RepoTags":[],"SharedSize":-1,"Size":7800000,"VirtualSize":7800000}
        ]
        """;
        _images = JsonDocument.Parse(json).RootElement.Clone();
        _server.Map("GET", "/images/json", _ => FakeResponse.Json(json));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task AssertSameAsDocker(string? format, bool digests = false, bool noTrunc = false)
    {
        var args = new List<string> { "images" };
        if (format != null) { args.Add("--format"); args.Add(format); }
        if (digests) args.Add("--digests");
        if (noTrunc) args.Add("--no-trunc");
        var docker = await DockerCli.RunAsync(_server, args.ToArray());
        Assert.True(docker.ExitCode == 0, docker.Stderr);

        var effective = format ?? (digests ? ImageRow.DefaultTableWithDigest : ImageRow.DefaultTable);
        var parsed = OutputFormat.Parse(effective);
        var rows = _images.EnumerateArray().SelectMany(i => ImageRow.Expand(i, !noTrunc, digests, parsed.Mentions("Digest"), _now));
        Assert.Equal(docker.Stdout, parsed.Render(rows, DockerHeaders.Images));
    }

    [Fact]
    public Task The_default_images_table_is_identical() => AssertSameAsDocker(null);

    [Fact]
    public Task The_digests_table_is_identical() => AssertSameAsDocker(null, digests: true);

    [Fact]
    public Task Untruncated_ids_are_identical() => AssertSameAsDocker("table {{.ID}}\t{{.Repository}}:{{.Tag}}", noTrunc: true);

    [Fact]
    public Task Every_image_field_is_identical() =>
        AssertSameAsDocker("{{.Repository}}|{{.Tag}}|{{.Digest}}|{{.ID}}|{{.CreatedSince}}|{{.CreatedAt}}|{{.Size}}|{{.Containers}}|{{.SharedSize}}|{{.UniqueSize}}");

    [Fact]
    public Task Json_rows_are_identical() => AssertSameAsDocker("{{json .}}");
}
