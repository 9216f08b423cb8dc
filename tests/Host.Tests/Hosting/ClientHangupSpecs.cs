using System.Net.Sockets;
using System.Text;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// A client that hangs up ends its request, as with dockerd: `docker run -d` leaves a wait request behind when it
/// exits, and that must not hold a connection (and the daemon's shutdown) until the container exits.
/// </summary>
public sealed class ClientHangupSpecs : ContainerSpecs
{
    [Fact]
    public async Task A_wait_request_whose_client_closes_its_side_is_closed_by_the_daemon()
    {
        var id = (await Ok("run", "-d", "busybox", "sleep", "300")).Trim();
        using var socket = await Connect();
        await Send(socket, $"POST /containers/{id}/wait?condition=next-exit HTTP/1.1\r\nHost: berth\r\nContent-Length: 0\r\n\r\n");
        var head = await ReadUntil(socket, "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", head);

        socket.Shutdown(SocketShutdown.Send);

        // The daemon closes its end: the read ends with EOF while the container is still running.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var buffer = new byte[4096];
        int n;
        do n = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
        while (n > 0);
        Assert.Equal("running", (await Ok("inspect", "-f", "{{.State.Status}}", id)).Trim());
    }

    [Fact]
    public async Task An_attach_whose_client_closes_stdin_still_receives_the_output()
    {
        // docker attach/run -i half-close the hijacked connection when stdin ends; output must keep flowing.
        var r = await Run.Program("/bin/sh", ["-c", "echo hello | docker run -i --rm busybox sh -c 'cat; sleep 1; echo after-eof'"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = Daemon.Host });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hello\nafter-eof\n", r.Stdout);
    }

    private async Task<Socket> Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Daemon.Socket));
        return socket;
    }

    private static async Task Send(Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    private static async Task<string> ReadUntil(Socket socket, string end)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None) == 0) break;
            text.Append((char)one[0]);
        }
        return text.ToString();
    }
}
