using System.Buffers;
using System.Globalization;
using System.Text;

namespace Berth.Host.Hosting;

/// <summary>
/// Follows HTTP/1.1 request boundaries in the bytes a client sends, as Kestrel will read them: where a head ends, how
/// long its body is (Content-Length or chunked), and when the connection became a raw stream (an upgrade without a
/// body). <see cref="ClientInput"/> uses it to tell a client that half-closed after whole requests from one that
/// stopped in the middle of a body.
/// </summary>
public sealed class RequestFraming
{
    /// <summary>Where in the stream the next byte would fall.</summary>
    public enum Place
    {
        /// <summary>Before a request line (or only blank lines so far).</summary>
        BetweenRequests,
        /// <summary>Inside a request head.</summary>
        Head,
        /// <summary>Inside a request body.</summary>
        Body,
        /// <summary>After an upgrade: the rest is the hijacked stream.</summary>
        Raw,
        /// <summary>Something this reader does not follow (a head too large, a bad chunk size); Kestrel decides.</summary>
        Lost,
    }

    private const int MaxHead = 1 << 20;

    private enum Chunk { Size, Data, DataEnd, Trailer }

    private readonly List<byte> _line = [];
    private readonly List<string> _head = [];
    private long _remaining;
    private bool _chunked;
    private Chunk _chunk;
    private int _headBytes;

    public Place At { get; private set; } = Place.BetweenRequests;

    /// <summary>Request heads seen completely: the requests Kestrel will hand to the application.</summary>
    public int Requests { get; private set; }

    /// <summary>Moves past <paramref name="bytes"/>, as forwarded to Kestrel.</summary>
    public void Feed(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            var span = segment.Span;
            var i = 0;
            while (i < span.Length && At is not (Place.Raw or Place.Lost))
            {
                if (At == Place.Body && (!_chunked || _chunk == Chunk.Data))
                {
                    var skip = (int)Math.Min(_remaining, span.Length - i);
                    i += skip;
                    _remaining -= skip;
                    if (_remaining == 0) BodyPartEnded();
                    continue;
                }
                var b = span[i++];
                if (b != (byte)'\n')
                {
                    if (At == Place.BetweenRequests && b == (byte)'\r') continue;
                    if (At == Place.BetweenRequests) At = Place.Head;
                    if (_line.Count >= MaxHead || (At == Place.Head && ++_headBytes > MaxHead)) { At = Place.Lost; break; }
                    _line.Add(b);
                    continue;
                }
                var line = Encoding.Latin1.GetString(_line.ToArray()).TrimEnd('\r');
                _line.Clear();
                if (At == Place.BetweenRequests) continue; // blank lines before a request line are skipped
                LineEnded(line);
            }
        }
    }

    private void LineEnded(string line)
    {
        if (At == Place.Head)
        {
            if (line.Length > 0) { _head.Add(line); return; }
            HeadEnded();
            return;
        }
        // In a chunked body, outside chunk data.
        switch (_chunk)
        {
            case Chunk.Size:
                var hex = line.Split(';')[0].Trim();
                if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0) { At = Place.Lost; return; }
                if (size == 0) { _chunk = Chunk.Trailer; return; }
                _remaining = size;
                _chunk = Chunk.Data;
                return;
            case Chunk.DataEnd:
                if (line.Length != 0) { At = Place.Lost; return; }
                _chunk = Chunk.Size;
                return;
            case Chunk.Trailer:
                if (line.Length == 0) RequestEnded();
                return;
        }
    }

    private void HeadEnded()
    {
        Requests++;
        long length = 0;
        bool chunked = false, upgrade = false, connectionUpgrade = false;
        foreach (var header in _head.Skip(1))
        {
            var colon = header.IndexOf(':');
            if (colon <= 0) continue;
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length)) { At = Place.Lost; return; }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                chunked = value.Split(',').Last().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase);
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)) upgrade = true;
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                connectionUpgrade |= value.Split(',').Any(t => t.Trim().Equals("upgrade", StringComparison.OrdinalIgnoreCase));
        }
        _head.Clear();
        _headBytes = 0;
        if (chunked) { _chunked = true; _chunk = Chunk.Size; At = Place.Body; }
        else if (length > 0) { _chunked = false; _remaining = length; At = Place.Body; }
        else if (upgrade && connectionUpgrade) At = Place.Raw; // Kestrel upgrades only requests without a body
        else RequestEnded();
    }

    private void BodyPartEnded()
    {
        if (_chunked) _chunk = Chunk.DataEnd;
        else RequestEnded();
    }

    private void RequestEnded()
    {
        _chunked = false;
        _headBytes = 0;
        At = Place.BetweenRequests;
    }
}
