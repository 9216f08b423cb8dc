using System.Text.Json;
using Berth.Shell.Client;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

public sealed class EngineClientSpecs : IAsyncLifetime
{
    private readonly FakeEngineServer _server = new();
    private EngineClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = new EngineClient(DaemonHost.Parse(_server.Address));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Requests_are_prefixed_with_the_negotiated_version_after_a_head_ping()
    {
        _server.Map("GET", "/containers/json", _ => FakeResponse.Json("[]"));
        await _client.GetJsonAsync("/containers/json", new QueryString().Flag("all", true));

        var requests = _server.Requests;
        Assert.Equal(("HEAD", "/_ping"), (requests[0].Method, requests[0].Target));
        Assert.Equal("/v1.41/containers/json?all=1", requests[1].Target);
        Assert.Equal("1.41", _client.ApiVersion);
    }

    [Fact]
    public async Task An_older_daemon_lowers_the_version()
    {
        _server.ApiVersion = "1.40";
        Assert.Equal("1.40", await _client.NegotiateAsync());
    }

    [Fact]
    public async Task A_newer_daemon_is_spoken_to_at_our_maximum()
    {
        _server.ApiVersion = "1.52";
        Assert.Equal(EngineClient.MaxApiVersion, await _client.NegotiateAsync());
    }

    [Fact]
    public async Task A_ping_without_a_version_header_means_1_24()
    {
        _server.ApiVersion = null;
        Assert.Equal("1.24", await _client.NegotiateAsync());
    }

    [Fact]
    public async Task A_rejected_head_ping_falls_back_to_get()
    {
        _server.HeadPingStatus = 405;
        _server.ApiVersion = "1.39";
        Assert.Equal("1.39", await _client.NegotiateAsync());
        Assert.Equal(["HEAD", "GET"], _server.Requests.Where(r => r.Path == "/_ping").Select(r => r.Method));
    }

    [Fact]
    public async Task A_pinned_version_is_used_as_is()
    {
        using var pinned = new EngineClient(DaemonHost.Parse(_server.Address), "1.40");
        _server.Map("POST", "/containers/x/start", _ => new FakeResponse(204, "", null));
        await pinned.PostAsync("/containers/x/start");
        Assert.Equal("/v1.40/containers/x/start", _server.Requests.Last().Target);
    }

    [Fact]
    public async Task Json_bodies_are_sent_with_the_json_content_type_and_replies_deserialize()
    {
        _server.Map("POST", "/containers/create", r => FakeResponse.Json($$"""{"Id":"abc","Warnings":[],"Echo":{{r.BodyText}}}""", 201));
        var reply = await _client.PostJsonAsync<JsonElement>("/containers/create", new QueryString().Add("name", "web"), new { Image = "busybox", Cmd = new[] { "echo", "<hi>" } });

        var request = _server.Requests.Last();
        Assert.Equal("/v1.41/containers/create?name=web", request.Target);
        Assert.Equal("application/json", request.Headers["Content-Type"]);
        Assert.Equal("""{"Image":"busybox","Cmd":["echo","<hi>"]}""", request.BodyText);
        Assert.Equal("abc", reply.GetProperty("Id").GetString());
    }

    [Fact]
    public async Task A_json_error_body_becomes_a_daemon_error_with_dockers_prefix()
    {
        _server.Map("DELETE", "/containers/web", _ => FakeResponse.Error(409, "You cannot remove a running container"));
        var e = await Assert.ThrowsAsync<DaemonError>(() => _client.DeleteAsync("/containers/web"));
        Assert.Equal(409, e.StatusCode);
        Assert.True(e.IsConflict);
        Assert.Equal("Error response from daemon: You cannot remove a running container", e.Message);
    }

    [Fact]
    public async Task A_non_json_error_body_is_shown_raw()
    {
        _server.Map("GET", "/containers/x/json", _ => new FakeResponse(404, "{\"message\":\"No such container: x\"}\n", "application/json; charset=utf-8"));
        var e = await Assert.ThrowsAsync<DaemonError>(() => _client.GetJsonAsync("/containers/x/json"));
        Assert.Equal("Error response from daemon: {\"message\":\"No such container: x\"}", e.Message);
    }

    [Fact]
    public async Task An_empty_error_body_names_the_route()
    {
        _server.Map("GET", "/nothing", _ => new FakeResponse(500, "", null));
        var e = await Assert.ThrowsAsync<DaemonError>(() => _client.GetJsonAsync("/nothing"));
        Assert.Equal("request returned Internal Server Error for API route and version /v1.41/nothing, check if the server supports the requested API version", e.Message);
    }

    [Fact]
    public async Task Not_modified_counts_as_success()
    {
        _server.Map("POST", "/containers/web/start", _ => new FakeResponse(304, "", null));
        await _client.PostAsync("/containers/web/start");
    }

    [Fact]
    public async Task A_missing_socket_reads_like_dockers_cannot_connect()
    {
        var path = Path.Combine(Path.GetTempPath(), "berth-nosuch-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var client = new EngineClient(DaemonHost.Parse("unix://" + path));
        var e = await Assert.ThrowsAsync<DaemonUnreachableError>(() => client.GetJsonAsync("/info"));
        Assert.Equal($"Cannot connect to the berth daemon at unix://{path}. Is the berth daemon running?", e.Message);
    }

    [Fact]
    public async Task A_refused_tcp_port_reads_like_dockers_cannot_connect()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more
        using var client = new EngineClient(DaemonHost.Parse($"tcp://127.0.0.1:{port}"));
        var e = await Assert.ThrowsAsync<DaemonUnreachableError>(() => client.GetJsonAsync("/info"));
        Assert.Equal($"Cannot connect to the berth daemon at tcp://127.0.0.1:{port}. Is the berth daemon running?", e.Message);
    }

    [Fact]
    public async Task Streams_deliver_the_body_as_it_comes()
    {
        _server.Map("GET", "/containers/web/logs", _ => new FakeResponse(200, "raw tty bytes\r\n", null));
        await using var stream = await _client.OpenStreamAsync(HttpMethod.Get, "/containers/web/logs", new QueryString().Flag("stdout", true).Add("tail", "all"));
        var output = new MemoryStream();
        await StdCopy.CopyRawAsync(stream, output);
        Assert.Equal("raw tty bytes\r\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("/v1.41/containers/web/logs?stdout=1&tail=all", _server.Requests.Last().Target);
    }
}

public sealed class EngineClientFromEnvironmentSpecs
{
    [Fact]
    public async Task The_api_version_can_be_pinned_from_the_environment()
    {
        await using var server = new FakeEngineServer();
        server.Map("GET", "/version", _ => FakeResponse.Json("{}"));
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = server.Address, ["DOCKER_API_VERSION"] = "1.40" };
        using var client = EngineClient.FromEnvironment(null, environment: k => env.GetValueOrDefault(k));
        await client.GetJsonAsync("/version");
        Assert.Equal("/v1.40/version", server.Requests.Last().Target);
        Assert.Equal(server.Address, client.Host.Address);
    }
}
