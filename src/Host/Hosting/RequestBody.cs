using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Hosting;

/// <summary>
/// A request body that ends with "unexpected EOF" (a 400 <see cref="BadHttpRequestException"/>, Go's io.ErrUnexpectedEOF
/// as dockerd answers it) when the client's input ended before the body did (<see cref="ClientHangup.CutShort"/>), for
/// every reader: endpoints and the image loader alike. Reads Kestrel's body pipe and leaves it in a state Kestrel can
/// still drain, so a cut connection costs no logged exception.
/// </summary>
public sealed class RequestBody(PipeReader reader, ClientHangup hangup, IHttpBodyControlFeature? bodyControl) : Stream
{
    public const string UnexpectedEof = "unexpected EOF";

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
    {
        if (destination.IsEmpty) return 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ReadResult result;
            // A pending read is woken (not aborted: a token passed to Kestrel's reader would leave it mid-read, and its
            // drain after the request would fail) when the input is found cut short or the caller gives up.
            using (hangup.CutShort.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader))
            using (ct.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader))
                result = await reader.ReadAsync(CancellationToken.None);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                var n = (int)Math.Min(buffer.Length, destination.Length);
                buffer.Slice(0, n).CopyTo(destination.Span);
                reader.AdvanceTo(buffer.GetPosition(n));
                return n;
            }
            reader.AdvanceTo(buffer.Start);
            if (result.IsCompleted) return 0;
            if (hangup.IsCutShort) throw new BadHttpRequestException(UnexpectedEof, StatusCodes.Status400BadRequest);
            ct.ThrowIfCancellationRequested();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (bodyControl is { AllowSynchronousIO: false })
            throw new InvalidOperationException("Synchronous operations are disallowed. Call ReadAsync or set AllowSynchronousIO to true instead.");
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
