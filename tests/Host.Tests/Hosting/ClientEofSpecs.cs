using System.Text;
using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// The client's side of the connection ends. After a whole request (socat half-closes when its input ends) the request
/// is still carried out and answered; in the middle of a body it is an "unexpected EOF" error and nothing is done; and
/// either way the daemon's log gets no stack trace.
/// </summary>
public sealed class ClientEofSpecs : ContainerSpecs
{
    private readonly int _port = Loopback.FreePort();

    protected override string[] DaemonArguments => ["-H", $"tcp://127.0.0.1:{_port}"];

    private string Address(string transport) => transport == "tcp" ? $"tcp://127.0.0.1:{_port}" : Daemon.Host;

    public static TheoryData<string> Transports => ["tcp", "unix"];

    private static readonly (string, string)[] Json = [("Content-Type", "application/json")];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_create_sent_whole_and_then_half_closed_is_carried_out_and_answered(string transport)
    {
        using var http = await RawHttp.Connect(Address(transport));
        await http.Send("POST", "/v1.41/containers/create?name=socat", Json, """{"Image":"busybox","Cmd":["true"]}"""u8.ToArray());
        http.HalfClose();

        var r = await http.Receive();

        Assert.True(r.Status == 201, r.ToString());
        var id = JsonDocument.Parse(r.Body).RootElement.GetProperty("Id").GetString();
        Assert.Equal("/socat", (await Ok("inspect", "-f", "{{.Name}}", id!)).Trim());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_container_list_sent_and_then_half_closed_lists_the_containers(string transport)
    {
        var id = (await Ok("create", "--name", "listed", "busybox", "true")).Trim();
        using var http = await RawHttp.Connect(Address(transport));
        await http.Send("GET", "/v1.41/containers/json?all=1");
        http.HalfClose();

        var r = await http.Receive();

        Assert.True(r.Status == 200, r.ToString());
        Assert.Contains(id, r.Body);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_create_whose_body_is_cut_short_is_an_unexpected_eof_and_creates_nothing(string transport)
    {
        using var http = await RawHttp.Connect(Address(transport));
        await http.Send("POST", "/v1.41/containers/create?name=cut", Json, """{"Image":"busybox","Cmd":["tr"""u8.ToArray(), contentLength: 100);
        http.HalfClose();

        var r = await http.Receive();

        Assert.Equal(400, r.Status);
        Assert.Equal("unexpected EOF", JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString());
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
    }

    [Fact]
    public async Task An_image_load_cut_short_is_an_unexpected_eof_and_loads_nothing()
    {
        var archive = Dir.Combine("busybox.tar");
        await Ok("save", "-o", archive, "busybox");
        await Ok("rmi", "busybox");
        var bytes = await File.ReadAllBytesAsync(archive);

        using var http = await RawHttp.Connect(Daemon.Host);
        await http.Send("POST", "/v1.41/images/load?quiet=1", [("Content-Type", "application/x-tar")], bytes[..(bytes.Length / 2)], contentLength: bytes.Length);
        http.HalfClose();
        var r = await http.Receive();

        Assert.True(r.Status >= 400 || r.Body.Contains("\"errorDetail\""), r.ToString());
        Assert.Contains("unexpected EOF", r.Body);
        Assert.Equal("", (await Ok("images", "-q")).Trim());
    }

    [Fact]
    public async Task Cut_connections_leave_no_stack_trace_in_the_log()
    {
        await Ok("run", "-d", "--name", "chatty", "busybox", "sh", "-c", "while true; do echo tick; sleep 1; done");
        var archive = Dir.Combine("busybox.tar");
        await Ok("save", "-o", archive, "busybox");
        var bytes = await File.ReadAllBytesAsync(archive);
        var before = Daemon.Log.Length;

        // A body cut short, an image load cut short, and followers that go away (the daemon then closes its side).
        for (var i = 0; i < 3; i++)
        {
            using var http = await RawHttp.Connect(Daemon.Host);
            await http.Send("POST", "/v1.41/containers/create", Json, Encoding.UTF8.GetBytes("""{"Image":"bus"""), contentLength: 50);
            await RawHttp.Request(Daemon.Host, "GET", "/_ping"); // the daemon is now waiting for the rest of the body
            http.HalfClose();
            await AnswerOrReset(http);
        }
        using (var http = await RawHttp.Connect(Daemon.Host))
        {
            await http.Send("POST", "/v1.41/images/load?quiet=1", [("Content-Type", "application/x-tar")], bytes[..(bytes.Length / 3)], contentLength: bytes.Length);
            http.HalfClose();
            await AnswerOrReset(http);
        }
        foreach (var path in new[] { "/v1.41/containers/chatty/logs?stdout=1&follow=1", "/v1.41/events", "/v1.41/containers/chatty/stats" })
        {
            using var http = await RawHttp.Connect(Daemon.Host);
            await http.Send("GET", path);
            Assert.NotEqual("", await http.ReadSome());
            http.HalfClose();
            Assert.True(await http.ServerClosed(TimeSpan.FromMinutes(1)), $"{path} still open after the client left");
        }

        // The daemon is still serving; whatever those connections logged was logged before this answer.
        Assert.Equal("running", (await Ok("inspect", "-f", "{{.State.Status}}", "chatty")).Trim());
        var log = Daemon.Log[before..];
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("Exception", log);
    }

    /// <summary>The answer to a cut request is another spec's concern here; only the log is.</summary>
    private static async Task AnswerOrReset(RawHttp http)
    {
        try { await http.Receive(); }
        catch (System.Net.Sockets.SocketException) { }
    }
}
