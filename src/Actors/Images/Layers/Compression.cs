using Berth.Actors.Images.Content;
using System.IO.Compression;
using ZstdSharp;

namespace Berth.Actors.Images.Layers;

/// <summary>How a layer or archive stream is compressed.</summary>
public enum CompressionKind { None, Gzip, Zstd }

/// <summary>Recognises gzip and zstd by their magic bytes and opens a decompressing view of a stream.</summary>
public static class Compression
{
    /// <summary>Returns the decompressed view of <paramref name="raw"/> and which compression it had.</summary>
    public static (Stream Stream, CompressionKind Kind) Decompress(Stream raw)
    {
        var head = new byte[4];
        var n = 0;
        while (n < head.Length)
        {
            var r = raw.Read(head, n, head.Length - n);
            if (r == 0) break;
            n += r;
        }
        var replay = new PrefixedStream(head[..n], raw);
        var kind = Detect(head.AsSpan(0, n));
        Stream result = kind switch
        {
            CompressionKind.Gzip => new GZipStream(replay, CompressionMode.Decompress),
            CompressionKind.Zstd => new DecompressionStream(replay),
            _ => replay,
        };
        return (result, kind);
    }

    public static CompressionKind Detect(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b ? CompressionKind.Gzip
        : head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd ? CompressionKind.Zstd
        : CompressionKind.None;

    /// <summary>Replays bytes already consumed for sniffing, then continues with the rest of the stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : ForwardOnlyReadStream
    {
        private int _pos;


        public override int Read(Span<byte> buffer)
        {
            if (_pos < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return rest.Read(buffer);
        }

        protected override void Dispose(bool disposing) { if (disposing) rest.Dispose(); base.Dispose(disposing); }
    }
}
