using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Berth.Runtime.Tests.Support;

/// <summary>A --console-socket listener that receives the pty master over SCM_RIGHTS, like a shim would.</summary>
public sealed unsafe class ConsoleSocket : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine("/tmp", $"berth-test-console-{Guid.NewGuid().ToString("N")[..8]}.sock");
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Task<(int Fd, string Name)> _received;

    public ConsoleSocket()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(1);
        _received = Task.Run(Receive);
    }

    /// <summary>The pty master fd and the name the runtime sent with it.</summary>
    public (int Fd, string Name) Master => _received.Wait(TimeSpan.FromSeconds(30)) ? _received.Result : throw new TimeoutException("no console fd received");

    /// <summary>Everything the container writes to its terminal until it closes.</summary>
    public string ReadAll()
    {
        using var stream = new FileStream(new SafeFileHandle(Master.Fd, ownsHandle: true), FileAccess.Read, 1);
        var sb = new StringBuilder();
        var buf = new byte[4096];
        try
        {
            int n;
            while ((n = stream.Read(buf)) > 0) sb.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        catch (IOException) { /* EIO: the last slave fd was closed */ }
        return sb.ToString();
    }

    private (int, string) Receive()
    {
        using var conn = _listener.Accept();
        var fd = (int)conn.Handle;
        var data = new byte[4096];
        var control = new byte[64];
        fixed (byte* d = data)
        fixed (byte* c = control)
        {
            var iov = new IoVec { Base = d, Len = (nuint)data.Length };
            var msg = new MsgHdr { Iov = &iov, IovLen = 1, Control = c, ControlLen = (nuint)control.Length };
            var n = recvmsg(fd, &msg, 0);
            if (n < 0) throw new IOException("recvmsg failed: errno " + Marshal.GetLastPInvokeError());
            // cmsghdr: size_t len; int level; int type; then the fd.
            var level = *(int*)(c + 8);
            var type = *(int*)(c + 12);
            if (msg.ControlLen < 20 || level != 1 || type != 1) throw new IOException("no SCM_RIGHTS message received");
            return (*(int*)(c + 16), Encoding.UTF8.GetString(data, 0, (int)n));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec { public byte* Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen; public void* Control; public nuint ControlLen; public int Flags;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint recvmsg(int fd, MsgHdr* msg, int flags);

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(Path);
    }
}
