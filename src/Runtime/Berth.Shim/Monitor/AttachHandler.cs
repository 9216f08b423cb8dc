using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>Serves the attach socket: reads the header line, then runs an <see cref="AttachSession"/>.</summary>
internal sealed class AttachHandler(ContainerMonitor monitor)
{
    private const int MaxHeader = 4096;

    public async Task Serve(Socket socket)
    {
        var header = await ReadHeader(socket);
        if (header == null)
        {
            socket.Dispose();
            return;
        }
        var session = new AttachSession(socket, header);
        if (header.ExecId != null)
        {
            // An unknown exec gets a closed connection, the same end as an exec whose output is over.
            if (monitor.Execs.Find(header.ExecId) is not { } exec)
            {
                socket.Dispose();
                return;
            }
            exec.Hub.Add(session);
            await session.Run(exec.Io, stdinOnceDefault: true, exec.Hub);
            return;
        }
        monitor.Hub.Add(session);
        await session.Run(monitor.Io, monitor.StdinOnce, monitor.Hub);
    }

    /// <summary>Reads byte by byte up to the newline so that no stdin byte after it is consumed.</summary>
    private static async Task<AttachHeader?> ReadHeader(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < MaxHeader)
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None) == 0) return null;
            if (one[0] == (byte)'\n')
            {
                try
                {
                    return JsonSerializer.Deserialize(Encoding.UTF8.GetString(line.ToArray()), ShimJson.Default.AttachHeader);
                }
                catch (JsonException)
                {
                    return null;
                }
            }
            line.Add(one[0]);
        }
        return null;
    }
}
