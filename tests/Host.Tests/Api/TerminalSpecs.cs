using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Terminals and streams with the real docker CLI: `run -it` driven through a pty (script(1) gives the CLI a real
/// terminal), resize seen by `stty size` inside, attach with stdin, detach with ctrl-p ctrl-q, and resize's errors.
/// </summary>
public sealed class TerminalSpecs : ContainerSpecs
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private string Name(string what) => $"{what}-{_suffix}";

    /// <summary>Runs a shell command line under script(1): its stdin, stdout and stderr are a fresh pty; -e passes the exit code on.</summary>
    private Task<Run.Result> InPty(string commandLine, string input) =>
        Run.Program("/usr/bin/script", ["-qec", commandLine, "/dev/null"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = Daemon.Host, ["TERM"] = "xterm" }, stdin: input);

    [Fact]
    public async Task Run_it_through_a_pty_echoes_typed_input_runs_it_and_exits_with_the_shells_code()
    {
        var r = await InPty("docker run -it --rm busybox sh", "echo hi-$((40+2))\rexit 3\r");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("echo hi-$((40+2))", r.Stdout);   // the container's terminal echoed what was typed
        Assert.Contains("hi-42", r.Stdout);
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    [Fact]
    public async Task The_terminal_size_reaches_the_container_through_resize()
    {
        // The shell waits until the size it sees is the outer terminal's, so the spec does not race the resize.
        var r = await InPty("stty rows 33 cols 101; docker run -it --rm busybox sh -c 'until [ \"$(stty size)\" = \"33 101\" ]; do sleep 0.05; done; echo size $(stty size)'", "");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("size 33 101", r.Stdout);
    }

    [Fact]
    public async Task Attach_with_stdin_feeds_the_container_and_returns_its_exit_code()
    {
        var name = Name("att");
        await Ok("run", "-d", "-i", "--name", name, "busybox", "sh", "-c", "read line; echo got $line; exit 4");
        var r = await Run.Program("/usr/local/bin/docker", ["attach", name], new Dictionary<string, string> { ["DOCKER_HOST"] = Daemon.Host }, stdin: "hello\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Equal("got hello\n", r.Stdout);
    }

    [Fact]
    public async Task Ctrl_p_ctrl_q_on_the_attach_stream_detaches_and_the_container_keeps_running()
    {
        var name = Name("det");
        await Ok("run", "-dit", "--name", name, "busybox", "sh");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Daemon.Socket));
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        var request = $"POST /v1.41/containers/{name}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        var seen = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("\r\n\r\n"))
        {
            var n = await stream.ReadAsync(buffer);
            Assert.True(n > 0, seen.ToString());
            seen.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, n));
        }
        Assert.StartsWith("HTTP/1.1 101", seen.ToString());
        await stream.WriteAsync(new byte[] { 0x10, 0x11 });
        // The daemon ends the session: the stream reaches EOF while the container runs on.
        while (await stream.ReadAsync(buffer) > 0) { }
        Assert.Equal("running", (await Ok("inspect", "-f", "{{.State.Status}}", name)).Trim());
    }

    [Fact]
    public async Task Bad_detach_keys_are_refused_with_dockers_message()
    {
        var name = Name("badkeys");
        await Ok("run", "-dit", "--name", name, "busybox", "sh");
        using var http = UnixHttp.Client(Daemon.Socket);
        var response = await http.PostAsync($"/containers/{name}/attach?stream=1&stdin=1&detachKeys=ctrl-%3F%3F", null);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Invalid detach keys (ctrl-??) provided", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Resize_of_a_missing_container_is_404_and_of_a_stopped_one_409()
    {
        var name = Name("stopped");
        await Ok("create", "-t", "--name", name, "busybox", "sh");
        using var http = UnixHttp.Client(Daemon.Socket);
        Assert.Equal(404, (int)(await http.PostAsync($"/containers/nosuch-{_suffix}/resize?h=10&w=20", null)).StatusCode);
        var stopped = await http.PostAsync($"/containers/{name}/resize?h=10&w=20", null);
        Assert.Equal(409, (int)stopped.StatusCode);
        Assert.Contains("is not running", await stopped.Content.ReadAsStringAsync());
    }
}
