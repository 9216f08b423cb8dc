using Berth.Shell.Terminal;

namespace Berth.Shell.Tests.Terminal;

/// <remarks>SIGWINCH goes to the whole process, so tests that raise it never run in parallel.</remarks>
[Collection(ProcessSignals.Name)]
public sealed class TerminalSpecs
{
    [Fact]
    public void A_pty_is_a_terminal_and_a_pipe_is_not()
    {
        using var pty = new PseudoTerminal();
        Assert.True(TerminalInfo.IsTerminal(pty.Slave));
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        Assert.False(TerminalInfo.IsTerminal((int)pipe.SafePipeHandle.DangerousGetHandle()));
    }

    [Fact]
    public void The_window_size_set_on_the_master_is_read_from_the_slave()
    {
        using var pty = new PseudoTerminal();
        TerminalInfo.SetSize(pty.Master, new TerminalSize(33, 101));
        Assert.Equal(new TerminalSize(33, 101), TerminalInfo.GetSize(pty.Slave));
    }

    [Fact]
    public void Asking_a_non_terminal_for_its_size_names_the_call_and_errno()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        var fd = (int)pipe.SafePipeHandle.DangerousGetHandle();
        var e = Assert.Throws<IOException>(() => TerminalInfo.GetSize(fd));
        Assert.Contains($"ioctl(TIOCGWINSZ)(fd {fd})", e.Message);
        Assert.Contains("errno 25", e.Message); // ENOTTY
    }

    [Fact]
    public void Raw_mode_turns_off_echo_line_editing_signals_and_cr_translation_then_restores_them()
    {
        using var pty = new PseudoTerminal();
        TerminalCalls.tcgetattr(pty.Slave, out var before);
        Assert.NotEqual(0u, before.LocalFlags & TerminalCalls.ICANON);

        using (RawTerminal.Enable(pty.Slave))
        {
            TerminalCalls.tcgetattr(pty.Slave, out var raw);
            Assert.Equal(0u, raw.LocalFlags & (TerminalCalls.ECHO | TerminalCalls.ICANON | TerminalCalls.ISIG | TerminalCalls.IEXTEN));
            Assert.Equal(0u, raw.InputFlags & (TerminalCalls.ICRNL | TerminalCalls.IXON));
            Assert.Equal(0u, raw.OutputFlags & TerminalCalls.OPOST);
            Assert.Equal(TerminalCalls.CS8, raw.ControlFlags & TerminalCalls.CSIZE);

            // The kernel now hands over a carriage return as it is, without waiting for a line.
            PseudoTerminal.Write(pty.Master, "q\r");
            Assert.Equal("q\r", PseudoTerminal.Read(pty.Slave));
        }

        TerminalCalls.tcgetattr(pty.Slave, out var after);
        Assert.Equal(before.LocalFlags, after.LocalFlags);
        Assert.Equal(before.InputFlags, after.InputFlags);
        Assert.Equal(before.OutputFlags, after.OutputFlags);
        // Cooked again: CR becomes NL and completes the line.
        PseudoTerminal.Write(pty.Master, "z\r");
        Assert.Equal("z\n", PseudoTerminal.Read(pty.Slave));
    }

    [Fact]
    public async Task Sigwinch_reaches_the_resize_watcher()
    {
        var resized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new WindowResizeWatcher(() => resized.TrySetResult());
        Assert.Equal(0, PseudoTerminal.kill(Environment.ProcessId, WindowResizeWatcher.SigWinch));
        // Only a guard against hanging forever; the signal normally arrives at once.
        await resized.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }
}
