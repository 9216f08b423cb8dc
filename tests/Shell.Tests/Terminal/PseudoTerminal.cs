using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Shell.Tests.Terminal;

/// <summary>A real pseudo-terminal pair made for one test (posix_openpt), closed on Dispose.</summary>
internal sealed partial class PseudoTerminal : IDisposable
{
    private const int O_RDWR = 2, O_NOCTTY = 0x100;

    public int Master { get; }
    public int Slave { get; }

    public PseudoTerminal()
    {
        Master = Check(posix_openpt(O_RDWR | O_NOCTTY), "posix_openpt");
        Check(grantpt(Master), "grantpt");
        Check(unlockpt(Master), "unlockpt");
        var name = Marshal.PtrToStringAnsi(ptsname(Master)) ?? throw new IOException("ptsname failed");
        Slave = Check(open(name, O_RDWR | O_NOCTTY), "open " + name);
    }

    private static int Check(int result, string call)
    {
        if (result < 0) throw new IOException($"{call}: errno {Marshal.GetLastPInvokeError()}");
        return result;
    }

    public static void Write(int fd, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Check((int)write(fd, bytes, bytes.Length), "write");
    }

    public static string Read(int fd)
    {
        var buffer = new byte[256];
        var n = Check((int)read(fd, buffer, buffer.Length), "read");
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    public void Dispose()
    {
        close(Slave);
        close(Master);
    }

    [LibraryImport("libc", SetLastError = true)] private static partial int posix_openpt(int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int grantpt(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int unlockpt(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial IntPtr ptsname(int fd);
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)] private static partial int open(string path, int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial nint read(int fd, byte[] buffer, nint count);
    [LibraryImport("libc", SetLastError = true)] private static partial nint write(int fd, byte[] buffer, nint count);
    [LibraryImport("libc", SetLastError = true)] public static partial int kill(int pid, int signal);
}
