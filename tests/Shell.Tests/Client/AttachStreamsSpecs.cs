using System.Net.Sockets;
using System.Text;
using Berth.Shell.Client;
using Berth.Shell.Terminal;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

public sealed class AttachStreamsSpecs : IAsyncLifetime
{
    private readonly FakeEngineServer _server = new();
    private readonly TaskCompletionSource<string> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EngineClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = new EngineClient(DaemonHost.Parse(_server.Address));
        // A TTY-less container that reports what it got on stdin once stdin is closed, then exits.
        _server.MapRaw("POST", "/containers/c/attach", async (_, socket, stream) =>
        {
            await stream.WriteAsync("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"u8.ToArray());
            var input = new MemoryStream();
            await stream.CopyToAsync(input);
            var text = Encoding.UTF8.GetString(input.ToArray());
            _received.TrySetResult(text);
            await stream.WriteAsync(StdCopy.Frame(StdCopy.Stdout, Encoding.UTF8.GetBytes("got:" + text)));
            await stream.WriteAsync(StdCopy.Frame(StdCopy.Stderr, "exiting\n"u8));
            socket.Shutdown(SocketShutdown.Both);
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Stdin_is_sent_half_closed_at_eof_and_all_output_still_arrives()
    {
        await using var conn = await _client.HijackAsync("/containers/c/attach");
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();

        var result = await AttachStreams.RunAsync(conn, new MemoryStream("piped input\n"u8.ToArray()), stdout, stderr, tty: false, DetachKeys.Parse(DetachKeys.Default));

        Assert.False(result.Detached);
        Assert.Equal("got:piped input\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("exiting\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task Without_stdin_the_connection_is_half_closed_at_once()
    {
        await using var conn = await _client.HijackAsync("/containers/c/attach");
        var stdout = new MemoryStream();
        var result = await AttachStreams.RunAsync(conn, null, stdout, Stream.Null, tty: false, null);
        Assert.False(result.Detached);
        Assert.Equal("got:", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task The_detach_keys_end_the_session_and_are_never_sent()
    {
        await using var conn = await _client.HijackAsync("/containers/c/attach");
        var stdin = new MemoryStream("ls\r\x10\x11never sent"u8.ToArray());

        var result = await AttachStreams.RunAsync(conn, stdin, Stream.Null, Stream.Null, tty: true, DetachKeys.Parse(DetachKeys.Default));

        Assert.True(result.Detached);
        Assert.Equal("ls\r", await _received.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
    }
}
