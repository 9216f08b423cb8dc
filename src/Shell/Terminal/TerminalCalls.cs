using System.Runtime.InteropServices;

namespace Berth.Shell.Terminal;

/// <summary>struct termios as glibc lays it out on Linux (x86_64 and aarch64): 60 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Termios
{
    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte Line;
    public fixed byte ControlChars[32];
    public uint InputSpeed;
    public uint OutputSpeed;
}

/// <summary>struct winsize for TIOCGWINSZ / TIOCSWINSZ.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WinSize
{
    public ushort Rows;
    public ushort Columns;
    public ushort XPixels;
    public ushort YPixels;
}

/// <summary>The few libc calls the terminal code needs; every caller checks the result and reports errno.</summary>
internal static partial class TerminalCalls
{
    public const int TCSANOW = 0;
    public const ulong TIOCGWINSZ = 0x5413;
    public const ulong TIOCSWINSZ = 0x5414;

    // termios flag bits (Linux asm-generic values)
    public const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400;
    public const uint OPOST = 0x1;
    public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;
    public const uint CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100;
    public const int VTIME = 5, VMIN = 6;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcgetattr(int fd, out Termios termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcsetattr(int fd, int optionalActions, in Termios termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int isatty(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int ioctl_winsize(int fd, ulong request, ref WinSize size);

    public static Exception Error(string call, int fd)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}(fd {fd}): {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}
