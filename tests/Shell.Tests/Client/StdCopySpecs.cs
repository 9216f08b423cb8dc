using System.Text;
using Berth.Shell.Client;

namespace Berth.Shell.Tests.Client;

public sealed class StdCopySpecs
{
    /// <summary>Hands out the bytes in the given slice sizes, to split headers and payloads across reads.</summary>
    private sealed class TrickleStream(byte[] data, int[] sizes) : Stream
    {
        private int _pos, _i;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, sizes[_i++ % sizes.Length]), data.Length - _pos);
            Array.Copy(data, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Frames_split_across_reads_are_reassembled(int readSize)
    {
        var data = Concat(
            StdCopy.Frame(StdCopy.Stderr, "err 1\n"u8),
            StdCopy.Frame(StdCopy.Stdout, "out 1\nout 2\n"u8),
            StdCopy.Frame(StdCopy.Stdout, []),
            StdCopy.Frame(StdCopy.Stdout, Encoding.UTF8.GetBytes(new string('x', 70000))));
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();

        var written = await StdCopy.DemultiplexAsync(new TrickleStream(data, [readSize, readSize + 5]), stdout, stderr);

        Assert.Equal("out 1\nout 2\n" + new string('x', 70000), Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("err 1\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.Equal(6 + 12 + 70000, written);
    }

    [Fact]
    public void The_header_is_stream_three_zeros_and_a_big_endian_size() =>
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 3, (byte)'h', (byte)'i', (byte)'\n' }, StdCopy.Frame(StdCopy.Stdout, "hi\n"u8));

    [Fact]
    public async Task A_system_error_frame_fails_with_the_daemons_text()
    {
        var data = Concat(StdCopy.Frame(StdCopy.Stdout, "partial\n"u8), StdCopy.Frame(StdCopy.SystemError, "exec failed: boom"u8));
        var stdout = new MemoryStream();
        var e = await Assert.ThrowsAsync<DaemonStreamError>(() => StdCopy.DemultiplexAsync(new MemoryStream(data), stdout, Stream.Null));
        Assert.Equal("error from daemon in stream: exec failed: boom", e.Message);
        Assert.Equal("partial\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task An_unknown_stream_byte_is_rejected()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => StdCopy.DemultiplexAsync(new MemoryStream(StdCopy.Frame(9, "x"u8)), Stream.Null, Stream.Null));
        Assert.Equal("Unrecognized input header: 9", e.Message);
    }

    [Fact]
    public async Task A_stream_cut_mid_frame_ends_quietly_with_what_arrived()
    {
        var frame = StdCopy.Frame(StdCopy.Stdout, "complete\n"u8);
        var cut = Concat(frame, StdCopy.Frame(StdCopy.Stdout, "truncated"u8)[..12]);
        var stdout = new MemoryStream();
        await StdCopy.DemultiplexAsync(new MemoryStream(cut), stdout, Stream.Null);
        Assert.Equal("complete\ntrun", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Raw_tty_streams_pass_through_unchanged()
    {
        var bytes = "\r/ # \u001b[J\x01\x00\x00"u8.ToArray();
        var stdout = new MemoryStream();
        await StdCopy.CopyRawAsync(new TrickleStream(bytes, [2]), stdout);
        Assert.Equal(bytes, stdout.ToArray());
    }
}
