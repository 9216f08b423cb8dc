using System.Text.Json;
using Berth.Shell.Formatting;
using Berth.Templates;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

/// <summary>
/// Byte-for-byte comparison with the real docker CLI: the same canned /containers/json answer is rendered by
/// `docker ps --format X` and by our OutputFormat + ContainerRow. (Each container has at most one network:
/// docker prints several in Go's random map order.)
/// </summary>
public sealed class DockerFormatParitySpecs : IAsyncLifetime
{
    private readonly FakeEngineServer _server = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private JsonElement _containers;

    public ValueTask InitializeAsync()
    {
        var created1 = _now.AddHours(-3).AddMinutes(-10).ToUnixTimeSeconds();
        var created2 = _now.AddDays(-9).ToUnixTimeSeconds();
        var created3 = _now.AddSeconds(-40 * 60 - 5).ToUnixTimeSeconds();
        var json = """
        [
          {"Id":"85c98cdeb42013bc23909ac92a6e29ee4244efdeeb8edef9b04474e8f6303f9f","Names":["/web"],"Image":"busybox:local",
           "ImageID":"sha256:bdeb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Command":"sh -c 'httpd -f -p 80 -h /www'",
           "Created":CREATED1,"Ports":[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"IP":"::","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"PrivatePort":443,"Type":"tcp"},{"PrivatePort":444,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"}],
           "SizeRw":12,"SizeRootFs":1982347,"Labels":{"b":"2","a":"1","com.example.role":"front"},"State":"running","Status":"Up 3 hours",
           "HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"Networks":{"bridge":{}}},"Mounts":[{"Type":"volume","Name":"0123456789abcdef0123","Source":"/var/lib/x","Driver":"local"}]},
          {"Id":"c6657081380b0c622efdb5b0e796814d0c433b78bbaf2386a5d38c23a368d0e0","Names":["/a-much-longer-container-name"],"Image":"sha256:bdeb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f",
           "ImageID":"sha256:bdeb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Command":"echo \"quoted\" ünïcode\ttab",
           "Created":CREATED2,"Ports":[],"SizeRw":0,"SizeRootFs":0,"Labels":{},"State":"exited","Status":"Exited (0) 9 days ago",
           "HostConfig":{"NetworkMode":"none"},"NetworkSettings":{"Networks":{}},"Mounts":[]},
          {"Id":"fb4eb64fbadd0c622efdb5b0e796814d0c433b78bbaf2386a5d38c23a368d0e1","Names":["/db"],"Image":"127.0.0.1:5000/bb2:1",
           "ImageID":"sha256:aaaa8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f","Command":"top",
           "Created":CREATED3,"Ports":[],"SizeRw":4865000,"SizeRootFs":1230000000,"Labels":null,"State":"created","Status":"Created",
           "HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"Networks":{"testnet":{}}},"Mounts":[]}
        ]
        """.Replace("CREATED1", created1.ToString()).Replace("CREATED2", created2.ToString()).Replace("CREATED3", created3.ToString());
        _containers = JsonDocument.Parse(json).RootElement.Clone();
        _server.Map("GET", "/containers/json", _ => FakeResponse.Json(json));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task AssertSameAsDocker(string format, bool noTrunc = false)
    {
        var args = new List<string> { "ps", "-a", "--format", format };
        if (noTrunc) args.Add("--no-trunc");
        var docker = await DockerCli.RunAsync(_server, args.ToArray());
        Assert.True(docker.ExitCode == 0, docker.Stderr);

        var rows = _containers.EnumerateArray().Select(c => (object?)new ContainerRow(c, truncate: !noTrunc, _now));
        var ours = OutputFormat.Parse(format).Render(rows, DockerHeaders.Containers);
        Assert.Equal(docker.Stdout, ours);
    }

    [Fact]
    public Task The_default_ps_table_is_identical() => AssertSameAsDocker(ContainerRow.DefaultTable);

    [Fact]
    public Task A_table_with_escaped_tabs_sizes_and_labels_is_identical() =>
        AssertSameAsDocker(@"table {{.Names}}\t{{.Size}}\t{{.Labels}}\t{{.State}}\t{{.Networks}}\t{{.Mounts}}\t{{.LocalVolumes}}");

    [Fact]
    public Task The_untruncated_table_is_identical() =>
        AssertSameAsDocker("table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Names}}", noTrunc: true);

    [Fact]
    public Task Plain_formats_with_functions_are_identical() =>
        AssertSameAsDocker(@"{{.Names}}: {{upper .State}} {{.Label ""com.example.role""}} {{printf ""%-8s|%5d|%q"" .State 42 .Names}} {{join (split .Image "":"") ""/""}} {{title .Status}} {{lower .Status}} {{truncate .ID 5}}[{{pad .State 1 2}}]");

    [Fact]
    public Task Conditionals_ranges_and_variables_are_identical() =>
        AssertSameAsDocker(@"{{if eq .State ""running""}}up{{else if eq .State ""exited""}}down{{else}}other{{end}} {{range $i, $p := split .Labels "",""}}{{$i}}={{$p}};{{end}} {{with .Ports}}P:{{.}}{{else}}no ports{{end}} {{len .Names}} {{- "" trimmed"" -}} !");

    [Fact]
    public Task Builtins_and_comparisons_are_identical() =>
        AssertSameAsDocker(@"{{.Names | len}} {{printf ""%.3s|%x|%5.1f|%v"" .ID .State 2.25 (eq 1 1)}} {{index (split .Image "":"") 0}} {{.Labels | lower}} {{if lt (len .Names) 4}}short{{else}}long{{end}} {{or .Labels ""none""}} {{and .Ports .Names}} {{print 1 2 ""x"" 3}} {{urlquery .Command}} {{not .Labels}}");

    [Fact]
    public async Task Ps_checks_its_template_against_an_empty_row_first()
    {
        // docker ps runs the template once over an empty container (to see whether .Size is used), so a
        // template that fails on empty fields fails before any request; verbs must do the same pre-pass.
        const string format = "{{slice .ID 0 4}}";
        var docker = await DockerCli.RunAsync(_server, "ps", "--format", format);
        var empty = JsonDocument.Parse("{}").RootElement;
        var e = Assert.Throws<TemplateException>(() => GoTemplate.Parse(format).Execute(new ContainerRow(empty, true, _now)));
        Assert.Equal("failed to execute template: " + e.Message + "\n", docker.Stderr);
    }

    [Fact]
    public Task Json_of_the_whole_row_is_identical() => AssertSameAsDocker("{{json .}}");

    [Fact]
    public Task Json_of_a_field_and_println_are_identical() =>
        AssertSameAsDocker(@"{{json .Names}} {{json .Command}}{{println}}{{println .ID .State}}");

    [Fact]
    public Task A_table_with_a_custom_header_cell_is_identical() =>
        AssertSameAsDocker(@"table {{.ID}}\t{{json .Names}}\t{{upper .Status}}\t{{.Names | printf ""%s!""}}");

    [Fact]
    public async Task A_template_syntax_error_reads_like_docker()
    {
        var docker = await DockerCli.RunAsync(_server, "ps", "--format", "{{.Names");
        var error = Assert.Throws<TemplateException>(() => OutputFormat.Parse("{{.Names", "failed to parse template"));
        Assert.Equal(1, docker.ExitCode);
        Assert.Contains(error.Message + "\n", docker.Stderr);
    }

    [Fact]
    public async Task An_unknown_function_reads_like_docker()
    {
        var docker = await DockerCli.RunAsync(_server, "ps", "--format", "{{nosuch .Names}}");
        var error = Assert.Throws<TemplateException>(() => OutputFormat.Parse("{{nosuch .Names}}", "failed to parse template"));
        Assert.Contains(error.Message + "\n", docker.Stderr);
    }
}
