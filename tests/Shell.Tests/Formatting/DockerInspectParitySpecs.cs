using System.Text.Json;
using Berth.Shell.Formatting;
using Berth.Templates;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

/// <summary>
/// `docker inspect --format` over a recorded container (shared/traces/inspect-container.log, with Env and Labels
/// added) compared with GoTemplate over the same JSON. Limited to fields whose Go struct printing equals the
/// JSON view (scalars, string lists, string maps): docker formats its own typed structs.
/// </summary>
public sealed class DockerInspectParitySpecs : IAsyncLifetime
{
    private readonly FakeEngineServer _server = new();
    private readonly string _json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Formatting", "Data", "inspect-container.json"));

    public ValueTask InitializeAsync()
    {
        _server.Map("GET", "/containers/web/json", _ => FakeResponse.Json(_json));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("{{.Name}} {{.State.Status}} {{.State.Pid}} {{.State.Running}} {{.RestartCount}}")]
    [InlineData("{{range .Config.Env}}[{{.}}]{{end}} {{.Config.Env}}")]
    [InlineData("{{.Config.Labels}} {{index .Config.Labels \"a\"}} {{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}")]
    [InlineData("{{json .Config.Env}} {{json .Config.Labels}} {{json .Name}} {{json .State.Pid}}")]
    [InlineData("{{range $name, $net := .NetworkSettings.Networks}}{{$name}}:{{$net.IPAddress}}/{{$net.IPPrefixLen}} {{end}}")]
    [InlineData("{{if .State.Running}}running since {{.State.StartedAt}}{{else}}stopped{{end}} {{.HostConfig.NetworkMode}} {{.HostConfig.Memory}}")]
    [InlineData("{{printf \"%s|%d|%v|%q\" .Name .State.Pid .State.Running .Path}} {{len .Args}} {{index .Args 0}} {{join .Args \",\"}}")]
    [InlineData("{{with .State}}{{.Status}}/{{.ExitCode}}{{end}} {{upper .Driver}} {{.Config.Image}} {{split .Config.Image \":\"}}")]
    public async Task Inspect_formats_print_what_docker_prints(string format)
    {
        var docker = await DockerCli.RunAsync(_server, "container", "inspect", "--format", format, "web");
        Assert.True(docker.ExitCode == 0, docker.Stderr);
        var ours = GoTemplate.Parse(format).Execute(JsonDocument.Parse(_json).RootElement) + "\n";
        Assert.Equal(docker.Stdout, ours);
    }
}
