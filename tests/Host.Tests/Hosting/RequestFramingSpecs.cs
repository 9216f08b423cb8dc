using System.Buffers;
using System.Text;
using Berth.Host.Hosting;

namespace Berth.Host.Tests.Hosting;

/// <summary>Where request boundaries fall in what a client sends, as Kestrel reads them (ClientInput decides by it what a FIN means).</summary>
public sealed class RequestFramingSpecs
{
    private static RequestFraming Fed(params string[] pieces)
    {
        var framing = new RequestFraming();
        foreach (var piece in pieces) framing.Feed(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(piece)));
        return framing;
    }

    [Fact]
    public void A_request_without_a_body_ends_with_its_head()
    {
        var f = Fed("GET /containers/json HTTP/1.1\r\nHost: d\r\n\r\n");

        Assert.Equal(RequestFraming.Place.BetweenRequests, f.At);
        Assert.Equal(1, f.Requests);
    }

    [Fact]
    public void A_content_length_body_ends_after_its_last_byte_however_it_is_split()
    {
        var f = Fed("POST /containers/create HTTP/1.1\r\nContent-Length: 10\r\n", "\r\n01234", "5678");
        Assert.Equal(RequestFraming.Place.Body, f.At);

        f.Feed(new ReadOnlySequence<byte>("9"u8.ToArray()));
        Assert.Equal(RequestFraming.Place.BetweenRequests, f.At);
    }

    [Fact]
    public void A_chunked_body_ends_after_the_last_chunk_and_trailers()
    {
        var f = Fed("POST /images/load HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "3;ext=1\r\nabc\r\n0\r\n");
        Assert.Equal(RequestFraming.Place.Body, f.At);

        f.Feed(new ReadOnlySequence<byte>("X-Trailer: 1\r\n\r\n"u8.ToArray()));
        Assert.Equal(RequestFraming.Place.BetweenRequests, f.At);
    }

    [Fact]
    public void Pipelined_requests_are_counted_and_bare_line_feeds_end_lines()
    {
        var f = Fed("POST /a HTTP/1.1\nContent-Length: 2\n\n{}GET /_ping HTTP/1.1\n\n\r\nGET /b HTTP/1.1\r\n\r\n");

        Assert.Equal(3, f.Requests);
        Assert.Equal(RequestFraming.Place.BetweenRequests, f.At);
    }

    [Fact]
    public void An_upgrade_without_a_body_turns_the_rest_into_a_raw_stream()
    {
        var f = Fed("POST /containers/c/attach?stream=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", "stdin bytes\r\n\r\n");

        Assert.Equal(RequestFraming.Place.Raw, f.At);
        Assert.Equal(1, f.Requests);
    }

    [Fact]
    public void An_upgrade_with_a_body_is_an_ordinary_request_as_for_kestrel()
    {
        var f = Fed("POST /exec/e/start HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}");

        Assert.Equal(RequestFraming.Place.BetweenRequests, f.At);
    }

    [Fact]
    public void A_partial_head_is_inside_a_head_and_a_bad_chunk_size_is_lost()
    {
        Assert.Equal(RequestFraming.Place.Head, Fed("GET /containers/js").At);
        Assert.Equal(RequestFraming.Place.Lost, Fed("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").At);
    }
}
