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
        if (Native.tcgetattr(fd, out var saved) != 0) throw Native.Error("tcgetattr", fd);
        var raw = saved;
        raw.InputFlags &= ~(Native.IGNBRK | Native.BRKINT | Native.PARMRK | Native.ISTRIP | Native.INLCR | Native.IGNCR | Native.ICRNL | Native.IXON);
        raw.OutputFlags &= ~Native.OPOST;
        raw.LocalFlags &= ~(Native.ECHO | Native.ECHONL | Native.ICANON | Native.ISIG | Native.IEXTEN);
        raw.ControlFlags &= ~(Native.CSIZE | Native.PARENB);
        raw.ControlFlags |= Native.CS8;
        raw.ControlChars[Native.VMIN] = 1;
        raw.ControlChars[Native.VTIME] = 0;
        if (Native.tcsetattr(fd, Native.TCSANOW, raw) != 0) throw Native.Error("tcsetattr", fd);
        return new RawTerminal(fd, saved);
    }

    private void OnExit(object? sender, EventArgs e) => Restore();

    /// <summary>Puts the saved settings back (once).</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0) return;
        if (Native.tcsetattr(_fd, Native.TCSANOW, _saved) != 0) throw Native.Error("tcsetattr", _fd);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        foreach (var s in _signals) s.Dispose();
        Restore();
    }
}
