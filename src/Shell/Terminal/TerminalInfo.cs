namespace Berth.Shell.Terminal;

/// <summary>Rows and columns of a terminal window (what resize?h=&amp;w= sends).</summary>
public readonly record struct TerminalSize(int Rows, int Columns);

/// <summary>Terminal queries: is a descriptor a TTY, and how large is its window (TIOCGWINSZ).</summary>
public static class TerminalInfo
{
    public static bool IsTerminal(int fd) => TerminalCalls.isatty(fd) == 1;

    public static TerminalSize GetSize(int fd)
    {
        var ws = new WinSize();
        if (TerminalCalls.ioctl_winsize(fd, TerminalCalls.TIOCGWINSZ, ref ws) != 0) throw TerminalCalls.Error("ioctl(TIOCGWINSZ)", fd);
        return new TerminalSize(ws.Rows, ws.Columns);
    }

    /// <summary>Sets a window size (TIOCSWINSZ); used on pseudo-terminal masters.</summary>
    public static void SetSize(int fd, TerminalSize size)
    {
        var ws = new WinSize { Rows = (ushort)size.Rows, Columns = (ushort)size.Columns };
        if (TerminalCalls.ioctl_winsize(fd, TerminalCalls.TIOCSWINSZ, ref ws) != 0) throw TerminalCalls.Error("ioctl(TIOCSWINSZ)", fd);
    }
}
