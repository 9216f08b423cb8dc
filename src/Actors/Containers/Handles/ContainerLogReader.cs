using System.Text;
using System.Text.Json;

namespace Berth.Actors.Containers.Handles;

/// <summary>One line of a container's json-file log: the text (with its newline), "stdout" or "stderr", and docker's RFC 3339 time.</summary>
public sealed record LogEntry(string Log, string Stream, string Time);

/// <summary>
/// Reads a container's json-file log from where it last stopped: complete lines only (a half-written last line waits for
/// the next read), starting over when the file was truncated or rotated under it.
/// </summary>
public sealed class ContainerLogReader(string path)
{
    private long _offset;

    /// <summary>The lines written since the previous read (everything on the first).</summary>
    public IReadOnlyList<LogEntry> ReadNew()
    {
        var result = new List<LogEntry>();
        if (!File.Exists(path)) return result;
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (f.Length < _offset) _offset = 0;
        f.Seek(_offset, SeekOrigin.Begin);
        var bytes = new byte[f.Length - _offset];
        f.ReadExactly(bytes);
        var end = Array.LastIndexOf(bytes, (byte)'\n');
        if (end < 0) return result;
        _offset += end + 1;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n'))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            result.Add(new LogEntry(r.GetProperty("log").GetString() ?? "", r.GetProperty("stream").GetString() ?? "stdout", r.GetProperty("time").GetString() ?? ""));
        }
        return result;
    }
}
