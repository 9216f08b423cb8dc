using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Berth.Host.Hosting;

/// <summary>
/// docker's exec start is a hijack request WITH a JSON body (`{"Detach":false,"Tty":false}` plus `Connection: Upgrade`).
/// Kestrel ignores the upgrade of any request that has a body (aspnetcore#27921), so the CLI would get a 200 and give up.
/// This connection filter moves a small body of such a request into the <see cref="BodyHeader"/> header (base64) and
/// drops its Content-Length: Kestrel then sees a bodiless upgradable request and the endpoint reads the body from the header.
/// </summary>
public static class UpgradeWithBody
{
    public const string BodyHeader = "X-Berth-Upgrade-Body";

    /// <summary>Bodies larger than this are left alone (exec start bodies are tens of bytes).</summary>
    private const int MaxBody = 64 * 1024;

    private const int MaxHead = 1 << 20;

    public static void Allow(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            var pipe = new Pipe();
            var hangup = new ClientHangup();
            connection.Features.Set(hangup);
            var pump = Pump(original.Input, pipe.Writer, hangup);
            connection.Transport = new Duplex(pipe.Reader, original.Output);
            try
            {
                await next(connection);
            }
            finally
            {
                original.Input.CancelPendingRead();
                await pipe.Reader.CompleteAsync();
                await pump;
                connection.Transport = original;
            }
        });

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Copies the connection through, rewriting only the first request's head when it is an upgrade with a body.</summary>
    private static async Task Pump(PipeReader input, PipeWriter output, ClientHangup hangup)
    {
        var headDone = false;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled) break;
                var buffer = result.Buffer;
                if (!headDone)
                {
                    if (Rewrite(buffer, out var rewritten, out var consumed))
                    {
                        headDone = true;
                        await output.WriteAsync(rewritten);
                        input.AdvanceTo(buffer.GetPosition(consumed));
                        continue;
                    }
                    if (!result.IsCompleted && NeedsMore(buffer))
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    headDone = true;
                }
                foreach (var segment in buffer) await output.WriteAsync(segment);
                input.AdvanceTo(buffer.End);
                if (result.IsCompleted) { hangup.Signal(); break; }
                var flushed = await output.FlushAsync();
                if (flushed.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or ConnectionResetException)
        {
            // The connection ended; Kestrel sees that through the pipe's completion below.
        }
        await output.CompleteAsync();
    }

    /// <summary>More bytes are needed to decide: the head is incomplete, or it announces a small body not yet all here.</summary>
    private static bool NeedsMore(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length > MaxHead) return false;
        var text = Encoding.Latin1.GetString(buffer.ToArray());
        var (end, bodyStart) = HeadEnd(text);
        if (end < 0) return true;
        if (!IsCandidate(text[..end], out var length)) return false;
        return text.Length - bodyStart < length;
    }

    /// <summary>Where the head ends and the body starts; clients may end lines with a bare LF (Docker.DotNet does), as Kestrel allows.</summary>
    private static (int End, int BodyStart) HeadEnd(string text)
    {
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            if (i + 1 < text.Length && text[i + 1] == '\n') return (i, i + 2);
            if (i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') return (i, i + 3);
        }
        return (-1, -1);
    }

    private static string[] Lines(string head) => head.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    private static bool IsCandidate(string head, out int length)
    {
        length = 0;
        var lines = Lines(head);
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 2 || requestLine[0] != "POST") return false;
        var path = requestLine[1].Split('?')[0];
        if (!path.Contains("/exec/", StringComparison.Ordinal) || !path.EndsWith("/start", StringComparison.Ordinal)) return false;
        bool upgrade = false, chunked = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)) upgrade = true;
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = true;
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !int.TryParse(value, out length)) return false;
        }
        return upgrade && !chunked && length is > 0 and <= MaxBody;
    }

    /// <summary>Builds the rewritten head + empty body when the whole candidate request is in <paramref name="buffer"/>.</summary>
    private static bool Rewrite(ReadOnlySequence<byte> buffer, out byte[] rewritten, out long consumed)
    {
        rewritten = [];
        consumed = 0;
        if (buffer.Length > MaxHead + MaxBody) return false;
        var bytes = buffer.ToArray();
        var text = Encoding.Latin1.GetString(bytes);
        var (end, bodyStart) = HeadEnd(text);
        if (end < 0 || !IsCandidate(text[..end], out var length) || bytes.Length - bodyStart < length) return false;
        var body = bytes.AsSpan(bodyStart, length);
        var head = string.Join("\r\n", Lines(text[..end])
            .Where(l => !l.TrimStart().StartsWith("Content-Length", StringComparison.OrdinalIgnoreCase)));
        rewritten = Encoding.Latin1.GetBytes($"{head}\r\n{BodyHeader}: {Convert.ToBase64String(body)}\r\n\r\n");
        consumed = bodyStart + length;
        return true;
    }
}
