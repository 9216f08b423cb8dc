using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Berth.Shell.Client;

/// <summary>progressDetail of a progress message: bytes so far, total, start time (unix seconds), optional units.</summary>
public sealed record JsonProgress(long Current, long Total, long Start, string? Units, bool HideCounts);

/// <summary>errorDetail of a progress stream: what makes the CLI fail.</summary>
public sealed record JsonErrorDetail(int Code, string Message);

/// <summary>
/// One message of a pull/push/build/load/import stream (docker's jsonmessage.JSONMessage). Progress is non-null
/// whenever "progressDetail" was present, even empty — that is what makes a line redrawable on a terminal.
/// </summary>
public sealed record JsonMessage(
    string? Status, string? Id, string? ProgressMessage, JsonProgress? Progress, string? Stream,
    JsonErrorDetail? Error, string? ErrorMessage, JsonElement? Aux, string? From, long Time, long TimeNano)
{
    public static JsonMessage FromJson(JsonElement e)
    {
        string? S(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long L(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : 0;

        JsonProgress? progress = null;
        if (e.TryGetProperty("progressDetail", out var pd) && pd.ValueKind == JsonValueKind.Object)
            progress = new JsonProgress(L(pd, "current"), L(pd, "total"), L(pd, "start"),
                pd.TryGetProperty("units", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null,
                pd.TryGetProperty("hidecounts", out var h) && h.ValueKind == JsonValueKind.True);
        JsonErrorDetail? error = null;
        if (e.TryGetProperty("errorDetail", out var ed) && ed.ValueKind == JsonValueKind.Object)
            error = new JsonErrorDetail((int)L(ed, "code"), ed.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "");
        JsonElement? aux = e.TryGetProperty("aux", out var a) && a.ValueKind != JsonValueKind.Null ? a.Clone() : null;
        return new JsonMessage(S("status"), S("id"), S("progress"), progress, S("stream"), error, S("error"), aux, S("from"),
            L(e, "time"), L(e, "timeNano"));
    }

    /// <summary>
    /// Reads concatenated JSON values (CRLF-, LF- or un-separated) as they arrive, like Go's json.Decoder.
    /// </summary>
    public static async IAsyncEnumerable<JsonMessage> ReadAllAsync(Stream source, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var element in ReadElementsAsync(source, ct))
            yield return FromJson(element);
    }

    /// <summary>Reads a stream of concatenated JSON documents (also used for /events and /stats).</summary>
    public static async IAsyncEnumerable<JsonElement> ReadElementsAsync(Stream source, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var buffer = new byte[16 * 1024];
        var start = 0;
        var end = 0;
        while (true)
        {
            // Emit every complete value already buffered.
            while (true)
            {
                var (element, consumed) = TryReadOne(buffer.AsSpan(start, end - start), isFinal: false);
                if (element == null) { start += consumed; break; }
                start += consumed;
                yield return element.Value;
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var n = await source.ReadAsync(buffer.AsMemory(end), ct);
            if (n == 0)
            {
                var (last, _) = TryReadOne(buffer.AsSpan(0, end), isFinal: true);
                if (last != null) yield return last.Value;
                yield break;
            }
            end += n;
        }
    }

    /// <summary>Parses one value from the front; returns null (and whitespace consumed) when more input is needed.</summary>
    private static (JsonElement? Element, int Consumed) TryReadOne(ReadOnlySpan<byte> data, bool isFinal)
    {
        var skip = 0;
        while (skip < data.Length && data[skip] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t') skip++;
        if (skip == data.Length) return (null, skip);
        var reader = new Utf8JsonReader(data[skip..], isFinal, default);
        if (!reader.Read()) { if (isFinal) throw new InvalidDataException("truncated JSON at the end of the stream"); return (null, skip); }
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            if (!reader.TrySkip()) { if (isFinal) throw new InvalidDataException("truncated JSON at the end of the stream"); return (null, skip); }
        }
        else if (!isFinal && skip + (int)reader.BytesConsumed == data.Length)
            return (null, skip); // a scalar at the buffer end might continue
        var length = (int)reader.BytesConsumed;
        var element = JsonDocument.Parse(data.Slice(skip, length).ToArray()).RootElement.Clone();
        return (element, skip + length);
    }
}
