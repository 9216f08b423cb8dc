using System.Net.Sockets;
using System.Text;
using Berth.Shell.Client;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

public sealed class HijackedConnectionSpecs : IAsyncLifetime
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

    private static Task WriteAsync(Stream s, string text) => s.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static async Task<string> ReadToEndAsync(Stream s)
    {
        var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>A daemon that upgrades, echoes stdin framed as stdout until EOF, then keeps writing before closing.</summary>
    private void MapEchoingAttach(string statusLine)
    {
        _server.MapRaw("POST", "/containers/web/attach", async (_, socket, stream) =>
        {
            // The status, headers and the first output arrive in one write, so the client must keep what it over-reads.
            await stream.WriteAsync(Encoding.ASCII.GetBytes(statusLine + "\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
                .Concat(StdCopy.Frame(StdCopy.Stdout, "ready\n"u8)).ToArray());
            var input = new MemoryStream();
            await stream.CopyToAsync(input); // until the client half-closes
            await stream.WriteAsync(StdCopy.Frame(StdCopy.Stdout, input.ToArray()));
            await stream.WriteAsync(StdCopy.Frame(StdCopy.Stderr, "after stdin EOF\n"u8));
            socket.Shutdown(SocketShutdown.Both);
        });
    }

    [Fact]
    public async Task Upgrade_101_then_half_close_still_receives_all_output()
    {
        MapEchoingAttach("HTTP/1.1 101 UPGRADED");
        await using var conn = await _client.HijackAsync("/containers/web/attach", new QueryString().Flag("stream", true).Flag("stdin", true).Flag("stdout", true).Flag("stderr", true));
        Assert.Equal(101, conn.StatusCode);
        Assert.Equal("application/vnd.docker.raw-stream", conn.ContentType);

        await conn.WriteAsync("hello from stdin\n"u8.ToArray());
        await conn.CloseWriteAsync();
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await StdCopy.DemultiplexAsync(conn, stdout, stderr);

        Assert.Equal("ready\nhello from stdin\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("after stdin EOF\n", Encoding.UTF8.GetString(stderr.ToArray()));
        var request = _server.Requests.Last();
        Assert.Equal("/v1.41/containers/web/attach?stderr=1&stdin=1&stdout=1&stream=1", request.Target);
        Assert.Equal("Upgrade", request.Headers["Connection"]);
        Assert.Equal("tcp", request.Headers["Upgrade"]);
        Assert.Equal("text/plain", request.Headers["Content-Type"]);
        Assert.Equal("0", request.Headers["Content-Length"]);
    }

    [Fact]
    public async Task An_old_daemons_200_raw_stream_is_accepted()
    {
        MapEchoingAttach("HTTP/1.1 200 OK");
        await using var conn = await _client.HijackAsync("/containers/web/attach");
        await conn.CloseWriteAsync();
        Assert.Equal(200, conn.StatusCode);
        var stdout = new MemoryStream();
        await StdCopy.DemultiplexAsync(conn, stdout, Stream.Null);
        Assert.Equal("ready\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Exec_start_sends_its_json_body()
    {
        _server.MapRaw("POST", "/exec/e1/start", async (request, socket, stream) =>
        {
            await WriteAsync(stream, "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            await WriteAsync(stream, "body was " + request.BodyText + " type " + request.Headers["Content-Type"]);
            socket.Shutdown(SocketShutdown.Both);
        });
        await using var conn = await _client.HijackAsync("/exec/e1/start", jsonBody: new { Detach = false, Tty = true });
        Assert.Equal("body was {\"Detach\":false,\"Tty\":true} type application/json", await ReadToEndAsync(conn));
    }

    [Fact]
    public async Task A_refused_upgrade_becomes_a_daemon_error_with_the_raw_text()
    {
        _server.MapRaw("POST", "/containers/nosuch/attach", async (_, socket, stream) =>
        {
            await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nNo such container: nosuch\r\n");
            socket.Shutdown(SocketShutdown.Both);
        });
        var e = await Assert.ThrowsAsync<DaemonError>(() => _client.HijackAsync("/containers/nosuch/attach"));
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("Error response from daemon: No such container: nosuch", e.Message);
    }

    [Fact]
    public async Task A_json_error_before_the_upgrade_is_unwrapped()
    {
        _server.MapRaw("POST", "/exec/none/start", async (_, socket, stream) =>
        {
            await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n{\"message\":\"No such exec instance: none\"}\n  ");
            socket.Shutdown(SocketShutdown.Both);
        });
        var e = await Assert.ThrowsAsync<DaemonError>(() => _client.HijackAsync("/exec/none/start", jsonBody: new { Detach = false }));
        Assert.Equal("Error response from daemon: No such exec instance: none", e.Message);
    }
}
