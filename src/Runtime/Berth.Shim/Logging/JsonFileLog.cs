using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Logging;

/// <summary>
/// docker's json-file log driver: one JSON object per output line, lines longer than 16 KiB split
/// into partial entries, rotation to &lt;log&gt;.1, &lt;log&gt;.2 … when the file reaches max-size.
/// </summary>
/// <remarks>Not thread-safe: the shim serialises calls.</remarks>
public sealed class JsonFileLog : IDisposable
{
    /// <summary>docker's copier buffer: a line longer than this is written as partial entries.</summary>
    public const int PartialLimit = 16 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _path;
    private readonly LogRotation _rotation;
    private readonly Func<string> _clock;
    private readonly Dictionary<AttachStream, List<byte>> _pending = new();
    private readonly System.Buffers.ArrayBufferWriter<byte> _entry = new(1024);
    private FileStream _file;

    public JsonFileLog(string path, LogRotation rotation, Func<string>? clock = null)
    {
        _path = path;
        _rotation = rotation;
        _clock = clock ?? Rfc3339.Now;
        _file = OpenAppend(path);
    }

    /// <summary>Adds output bytes of one stream; complete lines (and 16 KiB pieces) are written at once.</summary>
    public void Write(AttachStream stream, ReadOnlySpan<byte> data)
    {
        if (!_pending.TryGetValue(stream, out var pending)) _pending[stream] = pending = new List<byte>();
        var time = _clock();
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            var room = PartialLimit - pending.Count;
            if (newline >= 0 && newline < room)
            {
                pending.AddRange(data[..(newline + 1)]);
                data = data[(newline + 1)..];
                Emit(stream, pending, time);
            }
            else if (data.Length >= room)
            {
                pending.AddRange(data[..room]);
                data = data[room..];
                Emit(stream, pending, time);
            }
            else
            {
                pending.AddRange(data);
                data = default;
            }
        }
    }

    /// <summary>The stream ended: whatever is left of its last line is written as a partial entry.</summary>
    public void Complete(AttachStream stream)
    {
        if (_pending.TryGetValue(stream, out var pending) && pending.Count > 0)
        {
            Emit(stream, pending, _clock());
        }
    }

    private void Emit(AttachStream stream, List<byte> line, string time)
    {
        _entry.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_entry, WriterOptions))
        {
            json.WriteStartObject();
            // Invalid UTF-8 becomes U+FFFD, as Go's encoder does.
            json.WriteString("log", Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line)));
            json.WriteString("stream", stream == AttachStream.Stderr ? "stderr" : "stdout");
            json.WriteString("time", time);
            json.WriteEndObject();
        }
        System.Buffers.BuffersExtensions.Write(_entry, "\n"u8);
        line.Clear();

        if (_rotation.MaxSize is { } max && _file.Length >= max) Rotate();
        _file.Write(_entry.WrittenSpan);
    }

    private void Rotate()
    {
        _file.Dispose();
        if (_rotation.MaxFiles > 1)
        {
            for (var i = _rotation.MaxFiles - 1; i >= 2; i--)
            {
                var older = $"{_path}.{i - 1}";
                if (File.Exists(older)) File.Move(older, $"{_path}.{i}", overwrite: true);
            }
            File.Move(_path, _path + ".1", overwrite: true);
        }
        _file = Open(_path, FileMode.Create);
    }

    private static FileStream OpenAppend(string path) => Open(path, FileMode.Append);

    /// <summary>docker's json-file mode, 0640, whatever the umask and whatever an older version left on the file.</summary>
    private static FileStream Open(string path, FileMode mode)
    {
        var file = new FileStream(path, mode, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        try
        {
            File.SetUnixFileMode(file.SafeFileHandle, LogMode);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private const UnixFileMode LogMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    public void Dispose() => _file.Dispose();
}
