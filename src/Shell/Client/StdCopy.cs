using System.Buffers.Binary;
using System.Text;

namespace Berth.Shell.Client;

/// <summary>
/// docker's stdcopy: splits a multiplexed stream (8-byte header [stream,0,0,0,size BE32] + payload) into stdout
/// and stderr; stream 3 carries a daemon error. TTY streams are raw and are copied as they are.
/// </summary>
public static class StdCopy
{
    public const byte Stdin = 0, Stdout = 1, Stderr = 2, SystemError = 3;
    private const int HeaderSize = 8;

    /// <summary>Demultiplexes until the source ends; a frame cut off by EOF ends the copy quietly, as in docker.</summary>
    /// <returns>The number of payload bytes written.</returns>
    public static async Task<long> DemultiplexAsync(Stream source, Stream stdout, Stream stderr, CancellationToken ct = default)
    {
        var header = new byte[HeaderSize];
        var buffer = new byte[32 * 1024];
        long written = 0;
        while (true)
        {
            if (!await FillAsync(source, header, ct)) return written;
            var kind = header[0];
            var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            Stream? target = kind switch
            {
                Stdin or Stdout => stdout,
                Stderr => stderr,
                SystemError => null,
                _ => throw new InvalidDataException($"Unrecognized input header: {kind}"),
            };
            if (target == null)
            {
                var payload = new byte[size];
                await FillAsync(source, payload, ct);
                throw new DaemonStreamError("error from daemon in stream: " + Encoding.UTF8.GetString(payload));
            }
            var remaining = (long)size;
            while (remaining > 0)
            {
                var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct);
                if (n == 0) return written;
                await target.WriteAsync(buffer.AsMemory(0, n), ct);
                remaining -= n;
                written += n;
            }
            await target.FlushAsync(ct);
        }
    }

    /// <summary>Copies a TTY (raw) stream to stdout, flushing after every read so interactive output appears at once.</summary>
    public static async Task<long> CopyRawAsync(Stream source, Stream stdout, CancellationToken ct = default)
    {
        var buffer = new byte[32 * 1024];
        long written = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, ct)) > 0)
        {
            await stdout.WriteAsync(buffer.AsMemory(0, n), ct);
            await stdout.FlushAsync(ct);
            written += n;
        }
        return written;
    }

    /// <summary>Builds one frame (useful for servers and tests).</summary>
    public static byte[] Frame(byte stream, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    private static async Task<bool> FillAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await source.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) return false;
            filled += n;
        }
        return true;
    }
}

/// <summary>The daemon reported an error inside a multiplexed stream (stream 3).</summary>
public sealed class DaemonStreamError(string message) : Exception(message);
