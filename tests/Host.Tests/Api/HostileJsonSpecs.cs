using System.Net;
using System.Text;
using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Hostile or sloppy JSON from one client never costs another client its answer: nulls and wrong types are read the way
/// dockerd's Go decoder reads them and refused with its messages, and the containers' actors keep everyone's waits.
/// </summary>
public sealed class HostileJsonSpecs : ContainerSpecs
{
    private readonly string _name = "hj-" + Guid.NewGuid().ToString("N")[..8];

    private HttpClient Http() => UnixHttp.Client(Daemon.Socket);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, string Message)> Create(string body)
    {
        using var http = Http();
        var response = await http.PostAsync("/containers/create", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? "" : JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task A_null_env_entry_is_refused_while_another_clients_run_and_wait_still_return()
    {
        await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        var wait = Docker("wait", _name);
        var run = Docker("run", "--rm", "--name", _name + "-fg", "busybox", "sh", "-c", "until [ -e /tmp/go ]; do sleep 0.1; done; echo finished");
        // docker run attaches and registers its wait before it starts: once running, its wait is pending.
        while (await Docker("inspect", "-f", "{{.State.Running}}", _name + "-fg") is not { ExitCode: 0, Stdout: "true\n" })
            if (run.IsCompleted) Assert.Fail($"docker run ended before it was running: {await run}");

        var (status, message) = await Create("""{"Image":"busybox","Cmd":["true"],"Env":[null]}""");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid environment variable: "), (status, message));
        // Detached: the container ends as soon as the file exists, and with it its exec records (as dockerd's Cleanup
        // does), so an attached exec's closing inspect could race the container's exit.
        await Ok("exec", "-d", _name + "-fg", "touch", "/tmp/go");
        var ran = await run;
        Assert.True(ran is { ExitCode: 0, Stdout: "finished\n" }, ran.ToString());
        await Ok("kill", _name);
        var waited = await wait;
        Assert.True(waited is { ExitCode: 0, Stdout: "137\n" }, waited.ToString());
    }

    /// <summary>The issue's thirteen nulls (and a mistyped field): each is read as Go reads it, null being the zero value, and answered as dockerd answers it.</summary>
    [Fact]
    public async Task Nulls_and_wrong_types_in_host_config_are_answered_like_dockerd_and_the_daemon_keeps_running()
    {
        (string HostConfig, HttpStatusCode Status, string Message)[] cases =
        [
            ("""{"CpusetCpus":null}""", HttpStatusCode.Created, ""),
            ("""{"CpusetMems":null}""", HttpStatusCode.Created, ""),
            ("""{"Binds":[null]}""", HttpStatusCode.BadRequest, "invalid volume specification: ''"),
            ("""{"CapAdd":[null]}""", HttpStatusCode.BadRequest, "unknown capability: \"CAP_\""),
            ("""{"CapDrop":[null]}""", HttpStatusCode.BadRequest, "unknown capability: \"CAP_\""),
            ("""{"SecurityOpt":[null]}""", HttpStatusCode.BadRequest, "invalid --security-opt 1: \"\""),
            ("""{"ExtraHosts":[null]}""", HttpStatusCode.BadRequest, "bad format for add-host: \"\""),
            ("""{"Ulimits":[null]}""", HttpStatusCode.BadRequest, "invalid ulimit type: "),
            ("""{"Mounts":[null]}""", HttpStatusCode.BadRequest, "invalid mount config for type \"\": field Target must not be empty"),
            ("""{"Mounts":[{"Type":"bind","Source":null,"Target":"/x"}]}""", HttpStatusCode.BadRequest, "invalid mount config for type \"bind\": field Source must not be empty"),
            ("""{"Mounts":[{"Type":"tmpfs","Target":null}]}""", HttpStatusCode.BadRequest, "invalid mount config for type \"tmpfs\": field Target must not be empty"),
            ("""{"Tmpfs":{"/x":null}}""", HttpStatusCode.Created, ""),
            ("""{"Memory":"64m"}""", HttpStatusCode.BadRequest, "invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.HostConfig.Memory of type int64"),
        ];
        var answers = new List<string>();
        foreach (var c in cases)
            answers.Add($"{c.HostConfig} -> {await Create($$"""{"Image":"busybox","Cmd":["true"],"HostConfig":{{c.HostConfig}}}""")}");

        Assert.Equal(cases.Select(c => $"{c.HostConfig} -> {(c.Status, c.Message)}"), answers);
        Assert.Equal("ok\n", await Ok("run", "--rm", "busybox", "echo", "ok"));
    }

    [Fact]
    public async Task A_null_image_is_a_400_not_a_500()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "No image specified: a container is created from an image"),
            await Create("""{"Image":null,"Cmd":["true"]}"""));
    }

    [Fact]
    public async Task Settings_dockerd_refuses_at_create_are_refused_with_its_message_and_nothing_is_created()
    {
        (string Fields, string Message)[] cases =
        [
            ("""{"WorkingDir":"rel"}""", "the working directory 'rel' is invalid, it needs to be an absolute path"),
            ("""{"HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"99999"}]}}}""", "invalid port specification: \"99999\""),
            ("""{"HostConfig":{"PortBindings":{"abc":[]}}}""", "invalid port specification: \"abc\""),
            ("""{"HostConfig":{"OomScoreAdj":5000}}""", "Invalid value 5000, range for oom score adj is [-1000, 1000]"),
            ("""{"StopSignal":"SIGNOPE"}""", "Invalid signal: SIGNOPE"), // docker stop and kill would fail on it later
        ];
        var answers = new List<string>();
        foreach (var c in cases)
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(c.Fields)!.AsObject();
            body["Image"] = "busybox";
            body["Cmd"] = new System.Text.Json.Nodes.JsonArray("true");
            answers.Add($"{c.Fields} -> {await Create(body.ToJsonString())}");
        }

        Assert.Equal(cases.Select(c => $"{c.Fields} -> {(HttpStatusCode.BadRequest, c.Message)}"), answers);
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    [Fact]
    public async Task Oom_score_adj_applies_to_the_containers_process_and_shows_in_inspect()
    {
        var output = await Ok("run", "--name", _name, "--oom-score-adj", "500", "busybox", "cat", "/proc/self/oom_score_adj");

        Assert.Equal("500\n", output);
        Assert.Equal("500\n", await Ok("inspect", "-f", "{{.HostConfig.OomScoreAdj}}", _name));
    }

    [Fact]
    public async Task Cmd_and_entrypoint_given_as_strings_are_one_element_lists_like_dockerd()
    {
        var (status, _) = await Create("""{"Image":"busybox","Entrypoint":"echo","Cmd":"from a string"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = (await Ok("ps", "-aq", "--no-trunc")).Trim();

        Assert.Equal("""["echo"] ["from a string"]""" + "\n", await Ok("inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}}", id));
        await Ok("start", id);
        Assert.Equal("0\n", await Ok("wait", id));
        Assert.Equal("from a string\n", await Ok("logs", id));
    }

    [Fact]
    public async Task Update_with_a_null_cpuset_changes_nothing_and_the_container_keeps_its_execs()
    {
        await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        await Ok("exec", "-d", _name, "sleep", "1000");
        using var http = Http();
        var created = await http.PostAsync($"/containers/{_name}/exec", Json("""{"Cmd":["true"]}"""));
        var pending = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString();
        var running = (await Ok("inspect", "-f", "{{range .ExecIDs}}{{.}}{{end}}", _name)).Trim();
        Assert.Matches("^[0-9a-f]{64}$", running);

        var update = await http.PostAsync($"/containers/{_name}/update", Json("""{"CpusetCpus":null,"CpusetMems":null}"""));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(running + "\n", await Ok("inspect", "-f", "{{range .ExecIDs}}{{.}}{{end}}", _name));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/exec/{pending}/json")).StatusCode);
        Assert.Equal("\n", await Ok("inspect", "-f", "{{.HostConfig.CpusetCpus}}", _name));
    }

    [Fact]
    public async Task A_json_body_over_the_limit_is_refused_with_413_announced_or_chunked_and_the_daemon_keeps_serving()
    {
        var body = $$"""{"Image":"busybox","Cmd":["true"],"Env":["BIG={{new string('x', 65 * 1024 * 1024)}}"]}""";
        using var http = Http();

        var announced = await http.PostAsync("/containers/create", Json(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/containers/create") { Content = Json(body) };
        request.Headers.TransferEncodingChunked = true;
        var chunked = await http.SendAsync(request);

        foreach (var response in new[] { announced, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("request body is too large: berthd accepts JSON bodies of up to 64 MiB",
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        }
        Assert.Equal("", await Ok("ps", "-aq"));
        Assert.Equal("ok\n", await Ok("run", "--rm", "busybox", "echo", "ok"));
    }
}
