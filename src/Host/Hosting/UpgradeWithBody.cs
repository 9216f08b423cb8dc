using System.Buffers;
using System.Text;

namespace Berth.Host.Hosting;

/// <summary>
/// docker's exec start is a hijack request WITH a JSON body (`{"Detach":false,"Tty":false}` plus `Connection: Upgrade`).
/// Kestrel ignores the upgrade of any request that has a body (aspnetcore#27921), so the CLI would get a 200 and give up.
/// This moves a small body of such a request into the <see cref="BodyHeader"/> header (base64) and
/// drops its Content-Length: Kestrel then sees a bodiless upgradable request and the endpoint reads the body from the header.
/// <see cref="ClientInput"/> applies it to the first request of each connection.
/// </summary>
public static class UpgradeWithBody
{
    public const string BodyHeader = "X-Berth-Upgrade-Body";

    /// <summary>Bodies larger than this are left alone (exec start bodies are tens of bytes).</summary>
    private const int MaxBody = 64 * 1024;

    private const int MaxHead = 1 << 20;

    /// <summary>More bytes are needed to decide: the head is incomplete, or it announces a small body not yet all here.</summary>
    public static bool NeedsMore(ReadOnlySequence<byte> buffer)
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
    public static bool Rewrite(ReadOnlySequence<byte> buffer, out byte[] rewritten, out long consumed)
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
