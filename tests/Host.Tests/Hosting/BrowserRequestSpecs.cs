using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// A web page can send simple requests to any address, loopback included (text/plain bodies, no preflight). The Engine API
/// refuses them: JSON bodies must say application/json as with dockerd, and requests a browser marks (Origin,
/// Sec-Fetch-Site) are refused unless --api-cors-header allows that origin. The docker CLI sends neither.
/// </summary>
public sealed class BrowserRequestSpecs : ContainerSpecs
{
    private readonly int _port = Loopback.FreePort();

    private string Tcp => $"tcp://127.0.0.1:{_port}";

    protected override string[] DaemonArguments => ["-H", Tcp];

    private string Address(string transport) => transport == "tcp" ? Tcp : Daemon.Host;

    public static TheoryData<string> Transports => ["tcp", "unix"];

    private static readonly (string, string)[] WebPage = [("Content-Type", "text/plain"), ("Origin", "http://evil.example")];

    [Fact]
    public async Task A_web_page_cannot_create_and_start_a_privileged_container_that_writes_to_the_host()
    {
        var host = Dir.Combine("host");
        Directory.CreateDirectory(host);
        var body = JsonSerializer.Serialize(new
        {
            Image = "busybox",
            Cmd = new[] { "sh", "-c", "id > /host/marker" },
            HostConfig = new { Binds = new[] { $"{host}:/host" }, Privileged = true },
        });

        var create = await RawHttp.Request(Tcp, "POST", "/containers/create?name=pwned", WebPage, body);
        var start = await RawHttp.Request(Tcp, "POST", "/containers/pwned/start", WebPage);

        Assert.True(create.Status is 400 or 403, create.ToString());
        Assert.True(start.Status is 400 or 403, start.ToString());
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
        Assert.False(File.Exists(Path.Combine(host, "marker")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_json_body_sent_as_text_plain_is_refused_with_dockers_message(string transport)
    {
        var r = await RawHttp.Request(Address(transport), "POST", "/containers/create?name=plain", [("Content-Type", "text/plain")],
            """{"Image":"busybox","Cmd":["true"]}""");

        Assert.Equal(400, r.Status);
        Assert.Equal("unsupported Content-Type header (text/plain): must be 'application/json'", Message(r));
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
    }

    [Fact]
    public async Task A_json_body_without_a_content_type_is_refused()
    {
        var r = await RawHttp.Request(Daemon.Host, "POST", "/containers/create?name=untyped", [], """{"Image":"busybox","Cmd":["true"]}""");

        Assert.Equal(400, r.Status);
        Assert.Equal("malformed Content-Type header (): mime: no media type", Message(r));
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
    }

    [Fact]
    public async Task A_json_content_type_with_parameters_is_accepted()
    {
        var r = await RawHttp.Request(Daemon.Host, "POST", "/containers/create?name=typed", [("Content-Type", "application/json; charset=utf-8")],
            """{"Image":"busybox","Cmd":["true"]}""");

        Assert.Equal(201, r.Status);
        Assert.Equal("typed", (await Ok("inspect", "-f", "{{.Name}}", "typed")).Trim().TrimStart('/'));
    }

    [Fact]
    public async Task Every_endpoint_that_takes_json_refuses_a_text_plain_body_and_does_nothing()
    {
        var id = (await Ok("run", "-d", "--name", "target", "busybox", "sleep", "300")).Trim();
        var exec = JsonDocument.Parse((await RawHttp.Request(Daemon.Host, "POST", $"/containers/{id}/exec", [("Content-Type", "application/json")],
            """{"Cmd":["touch","/tmp/exec-ran"]}""")).Body).RootElement.GetProperty("Id").GetString();
        var plain = new[] { ("Content-Type", "text/plain") };
        var upgrade = new[] { ("Content-Type", "text/plain"), ("Connection", "Upgrade"), ("Upgrade", "tcp") };
        var requests = new (string Path, (string, string)[] Headers, string Body)[]
        {
            ("/containers/create?name=refused", plain, """{"Image":"busybox","Cmd":["true"]}"""),
            ($"/containers/{id}/update", plain, """{"Memory":67108864}"""),
            ($"/containers/{id}/exec", plain, """{"Cmd":["touch","/tmp/other-exec-ran"]}"""),
            ($"/exec/{exec}/start", plain, """{"Detach":true}"""),
            ($"/exec/{exec}/start", upgrade, """{"Detach":false,"Tty":false}"""),
            ($"/containers/{id}/start", plain, "{}"),
        };

        var answers = new List<string>();
        foreach (var (path, headers, body) in requests)
        {
            var r = await RawHttp.Request(Daemon.Host, "POST", path, headers, body);
            if (r.Status != 400 || Message(r) != "unsupported Content-Type header (text/plain): must be 'application/json'")
                answers.Add($"POST {path} ({string.Join(", ", headers.Select(h => h.Item1))}): {r}");
        }

        Assert.Empty(answers);
        Assert.Equal("0", (await Ok("inspect", "-f", "{{.HostConfig.Memory}}", id)).Trim());
        Assert.Equal("target", (await Ok("ps", "-a", "--format", "{{.Names}}")).Trim());
        var ls = await Docker("exec", id, "ls", "/tmp");
        Assert.Equal(0, ls.ExitCode);
        Assert.DoesNotContain("ran", ls.Stdout);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_request_carrying_an_origin_is_refused(string transport)
    {
        await Ok("create", "--name", "present", "busybox", "true");

        var list = await RawHttp.Request(Address(transport), "GET", "/containers/json?all=1", [("Origin", "http://evil.example")]);
        var start = await RawHttp.Request(Address(transport), "POST", "/v1.41/containers/present/start", [("Origin", "null")]);

        Assert.Equal(403, list.Status);
        Assert.StartsWith("refusing a request from a web page (Origin: http://evil.example)", Message(list));
        Assert.DoesNotContain("present", list.Body);
        Assert.Equal(403, start.Status);
        Assert.Equal("created", (await Ok("inspect", "-f", "{{.State.Status}}", "present")).Trim());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_request_a_browser_marks_as_cross_site_is_refused(string transport)
    {
        await Ok("create", "--name", "present", "busybox", "true");

        var r = await RawHttp.Request(Address(transport), "GET", "/containers/present/json", [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors")]);

        Assert.Equal(403, r.Status);
        Assert.StartsWith("refusing a request from a web page (Sec-Fetch-Site: cross-site)", Message(r));
    }

    [Fact]
    public async Task A_preflight_from_a_web_page_is_refused()
    {
        var r = await RawHttp.Request(Tcp, "OPTIONS", "/containers/create",
            [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")]);

        Assert.Equal(403, r.Status);
        Assert.False(r.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_docker_cli_runs_containers_over_the_tcp_listener()
    {
        var r = await Run.Docker(Tcp, "run", "--rm", "busybox", "echo", "over tcp");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("over tcp\n", r.Stdout);
    }

    private static string Message(RawResponse r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString()!;
}
