namespace Berth.Actors.Images.Content;

/// <summary>A readable, non-seekable stream: subclasses supply Read (and, when they count, <see cref="ReadPosition"/>).</summary>
public abstract class ForwardOnlyReadStream : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => ReadPosition; set => throw new NotSupportedException(); }
    /// <summary>Bytes read so far, for streams that count them.</summary>
    protected virtual long ReadPosition => throw new NotSupportedException();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
