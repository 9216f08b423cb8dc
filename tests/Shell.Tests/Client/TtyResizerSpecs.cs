using System.Threading.Channels;
using Berth.Shell.Client;
using Berth.Shell.Terminal;
using Berth.Shell.Tests.Terminal;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

/// <remarks>SIGWINCH goes to the whole process, so tests that raise it never run in parallel.</remarks>
[Collection(ProcessSignals.Name)]
public sealed class TtyResizerSpecs
{
    [Fact]
    public async Task The_size_is_sent_at_start_and_again_after_sigwinch()
    {
        await using var server = new FakeEngineServer();
        var attempts = 0;
        // The first resize fails as it does when the process does not exist yet; the resizer retries.
        server.Map("POST", "/containers/c/resize", _ => ++attempts == 1 ? FakeResponse.Error(409, "not running yet") : new FakeResponse(200, "", null));
        using var client = new EngineClient(DaemonHost.Parse(server.Address));
        using var pty = new PseudoTerminal();
        TerminalInfo.SetSize(pty.Master, new TerminalSize(25, 90));
        var sent = Channel.CreateUnbounded<TerminalSize>();

        using var resizer = await TtyResizer.StartAsync(client, "/containers/c/resize", pty.Slave, s => sent.Writer.TryWrite(s));
        Assert.Equal(new TerminalSize(25, 90), await sent.Reader.ReadAsync(TestContext.Current.CancellationToken));

        TerminalInfo.SetSize(pty.Master, new TerminalSize(40, 120));
        Assert.Equal(0, PseudoTerminal.kill(Environment.ProcessId, WindowResizeWatcher.SigWinch));
        Assert.Equal(new TerminalSize(40, 120), await sent.Reader.ReadAsync(TestContext.Current.CancellationToken));

        var targets = server.Requests.Where(r => r.Path == "/containers/c/resize").Select(r => r.Target).ToList();
        Assert.Equal(["/v1.41/containers/c/resize?h=25&w=90", "/v1.41/containers/c/resize?h=25&w=90", "/v1.41/containers/c/resize?h=40&w=120"], targets);
    }
}
