using System.Runtime.InteropServices;

namespace Berth.Shell.Terminal;

/// <summary>
/// Puts a terminal in raw mode (as docker's term.MakeRaw: no echo, no line editing, no signals, no CR/LF
/// translation, 8-bit) and restores the saved state on Dispose, on SIGINT/SIGTERM/SIGHUP and at process exit.
/// </summary>
public sealed class RawTerminal : IDisposable
{
    private readonly int _fd;
    private readonly Termios _saved;
    private readonly PosixSignalRegistration[] _signals;
    private int _restored;

    private RawTerminal(int fd, Termios saved)
    {
        _fd = fd;
        _saved = saved;
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Restore()),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Restore()),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Restore()),
        ];
        AppDomain.CurrentDomain.ProcessExit += OnExit;
    }

    /// <summary>Switches <paramref name="fd"/> (usually 0, stdin) to raw mode.</summary>
    public static unsafe RawTerminal Enable(int fd)
    {
        if (TerminalCalls.tcgetattr(fd, out var saved) != 0) throw TerminalCalls.Error("tcgetattr", fd);
        var raw = saved;
        raw.InputFlags &= ~(TerminalCalls.IGNBRK | TerminalCalls.BRKINT | TerminalCalls.PARMRK | TerminalCalls.ISTRIP | TerminalCalls.INLCR | TerminalCalls.IGNCR | TerminalCalls.ICRNL | TerminalCalls.IXON);
        raw.OutputFlags &= ~TerminalCalls.OPOST;
        raw.LocalFlags &= ~(TerminalCalls.ECHO | TerminalCalls.ECHONL | TerminalCalls.ICANON | TerminalCalls.ISIG | TerminalCalls.IEXTEN);
        raw.ControlFlags &= ~(TerminalCalls.CSIZE | TerminalCalls.PARENB);
        raw.ControlFlags |= TerminalCalls.CS8;
        raw.ControlChars[TerminalCalls.VMIN] = 1;
        raw.ControlChars[TerminalCalls.VTIME] = 0;
        if (TerminalCalls.tcsetattr(fd, TerminalCalls.TCSANOW, raw) != 0) throw TerminalCalls.Error("tcsetattr", fd);
        return new RawTerminal(fd, saved);
    }

    private void OnExit(object? sender, EventArgs e) => Restore();

    /// <summary>Puts the saved settings back (once).</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0) return;
        if (TerminalCalls.tcsetattr(_fd, TerminalCalls.TCSANOW, _saved) != 0) throw TerminalCalls.Error("tcsetattr", _fd);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        foreach (var s in _signals) s.Dispose();
        Restore();
    }
}
