using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Berth.TestSupport;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Detach keys on the server side: an exec's own DetachKeys (exec create) decide when its stream ends, bad keys are
/// refused at create, and detaching is an event (exec_detach for an exec, detach for an attach) like dockerd's.
/// </summary>
public sealed class StreamDetachSpecs : ContainerSpecs
{
    private readonly string _name = "detach-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> RunSleeper() => (await Ok("run", "-d", "--name", _name, "busybox", "sleep", "1000")).Trim();

    [Fact]
    public async Task An_execs_own_detach_keys_end_its_stream_the_default_keys_pass_through_and_the_process_runs_on()
    {
        await RunSleeper();
        var since = Since();
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var created = await client.Exec.ExecCreateContainerAsync(_name, new ContainerExecCreateParameters
        {
            // head reads what passed the key filter; the sleep outlives the end of stdin that a non-tty exec gets on detach (as with dockerd).
            Cmd = ["sh", "-c", "head -c 3 | od -An -tx1; exec sleep 1000"], AttachStdin = true, AttachStdout = true, AttachStderr = true,
            DetachKeys = "ctrl-a,x",
        }, ct);

        string echoed;
        await using (var socket = await RawHijack($"/exec/{created.ID}/start", "{\"Detach\":false,\"Tty\":false}"))
        {
            // ctrl-p ctrl-q are not this exec's keys: the process gets them.
            await socket.WriteAsync(new byte[] { 0x10, 0x11, (byte)'\n' }, ct);
            echoed = await ReadFramedStdoutLine(socket);
            await socket.WriteAsync(new byte[] { 0x01, (byte)'x' }, ct);
            await DrainToEof(socket);
        }
        var inspected = await InspectExec(created.ID);

        Assert.Equal("10 11 0a", echoed.Trim());
        Assert.True(inspected.GetProperty("Running").GetBoolean());
        Assert.Equal(Convert.ToBase64String([0x01, (byte)'x']), inspected.GetProperty("DetachKeys").GetString());
        Assert.Contains($"exec_detach {created.ID}", await Actions(since));
    }

    [Fact]
    public async Task Without_its_own_keys_an_exec_detaches_on_ctrl_p_ctrl_q_and_shows_no_keys_in_inspect()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);
        var execId = await CreateExec(http, "{\"Cmd\":[\"sleep\",\"1000\"],\"AttachStdin\":true,\"AttachStdout\":true}");

        await using (var socket = await RawHijack($"/exec/{execId}/start", "{\"Detach\":false,\"Tty\":false}"))
        {
            await socket.WriteAsync(new byte[] { 0x10, 0x11 });
            await DrainToEof(socket);
        }
        var inspected = await InspectExec(execId);

        Assert.True(inspected.GetProperty("Running").GetBoolean());
        Assert.Equal("", inspected.GetProperty("DetachKeys").GetString());
    }

    [Fact]
    public async Task Exec_create_refuses_unknown_detach_keys_with_dockers_message()
    {
        await RunSleeper();
        using var http = UnixHttp.Client(Daemon.Socket);

        using var response = await http.PostAsync($"/containers/{_name}/exec",
            new StringContent("{\"Cmd\":[\"true\"],\"DetachKeys\":\"ctrl-??\"}", Encoding.UTF8, "application/json"));
        var cli = await Docker("exec", "--detach-keys", "ctrl-??", _name, "true");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Invalid escape keys (ctrl-??) provided", await response.Content.ReadAsStringAsync());
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("Invalid escape keys (ctrl-??) provided", cli.Stderr);
        Assert.Equal("null", (await Ok("inspect", "-f", "{{json .ExecIDs}}", _name)).Trim());
    }

    [Fact]
    public async Task Detaching_from_an_attach_with_its_keys_is_a_detach_event_and_the_container_runs_on()
    {
        await Ok("run", "-dit", "--name", _name, "busybox", "sh");
        var since = Since();

        await using (var socket = await RawHijack($"/containers/{_name}/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-a,x", null))
        {
            await socket.WriteAsync(new byte[] { 0x01, (byte)'x' });
            await DrainToEof(socket);
        }

        Assert.Equal("running", (await Ok("inspect", "-f", "{{.State.Status}}", _name)).Trim());
        var actions = await Actions(since);
        Assert.Contains("attach ", actions);
        Assert.Contains("detach ", actions);
    }

    private static string Since() => DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();

    /// <summary>This container's event actions since <paramref name="since"/>, each as "action execID" (execID empty when none).</summary>
    private async Task<List<string>> Actions(string since)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        var text = await Ok("events", "--since", since, "--until", until, "--filter", "container=" + _name,
            "--format", "{{.Action}} {{index .Actor.Attributes \"execID\"}}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace("<no value>", "")).ToList();
    }

    private async Task<JsonElement> InspectExec(string execId)
    {
        using var http = UnixHttp.Client(Daemon.Socket);
        using var response = await http.GetAsync($"/exec/{execId}/json");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> CreateExec(HttpClient http, string body)
    {
        using var response = await http.PostAsync($"/containers/{_name}/exec", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    /// <summary>Reads stdout frames until a whole line came; the stream must not end before.</summary>
    private static async Task<string> ReadFramedStdoutLine(Stream stream)
    {
        var payload = new StringBuilder();
        var header = new byte[8];
        while (!payload.ToString().EndsWith('\n'))
        {
            await stream.ReadExactlyAsync(header);
            Assert.Equal(1, header[0]);
            var data = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4))];
            await stream.ReadExactlyAsync(data);
            payload.Append(Encoding.Latin1.GetString(data));
        }
        return payload.ToString();
    }

    /// <summary>A hijacked connection made by hand (101 checked), for bytes no client library would send as they are.</summary>
    private async Task<NetworkStream> RawHijack(string path, string? json)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Daemon.Socket));
        var stream = new NetworkStream(socket, ownsSocket: true);
        var body = json ?? "";
        var request = $"POST /v1.41{path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" +
                      (json != null ? "Content-Type: application/json\r\n" : "") + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var seen = new StringBuilder();
        var one = new byte[1];
        while (!seen.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.True(await stream.ReadAsync(one) == 1, seen.ToString());
            seen.Append((char)one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", seen.ToString());
        return stream;
    }

    /// <summary>The daemon ends a detached session by closing the stream.</summary>
    private static async Task DrainToEof(Stream stream)
    {
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer) > 0) { }
    }
}
