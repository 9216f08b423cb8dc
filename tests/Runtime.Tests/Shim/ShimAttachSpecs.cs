using Xunit;
using System.Text;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>The attach socket: stdin delivery, create → attach → start ordering, several clients.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimAttachSpecs
{
    [Fact]
    public async Task Stdin_written_through_attach_is_echoed_by_cat()
    {
        await using var shim = await ShimUnderTest.Launch(["cat"], stdin: true, stdinOnce: true);
        await using var attach = await shim.Attach(stdin: true);
        await shim.Start();

        await attach.WriteStdinAsync("ping\n"u8.ToArray(), shim.Timeout);
        var echoed = await shim.ReadUntil(attach, "ping\n");
        attach.CloseStdin();
        var rest = await shim.ReadToEnd(attach);

        Assert.Equal("ping\n", echoed);
        Assert.Empty(rest);
        Assert.Equal(0, (await shim.Wait()).ExitCode);
    }

    [Fact]
    public async Task Attaching_before_start_loses_no_output_on_either_stream()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "echo out-1; echo err-1 >&2; echo out-2"]);
        await using var attach = await shim.Attach();
        await shim.Start();

        var chunks = await shim.ReadToEnd(attach);

        Assert.Equal("out-1\nout-2\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal("err-1\n", ShimUnderTest.Text(chunks, AttachStream.Stderr));
    }

    [Fact]
    public async Task A_client_gets_only_the_streams_it_asked_for()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "echo out; echo err >&2"]);
        await using var attach = await shim.Attach(stdout: false, stderr: true);
        await shim.Start();

        var chunks = await shim.ReadToEnd(attach);

        Assert.All(chunks, c => Assert.Equal(AttachStream.Stderr, c.Stream));
        Assert.Equal("err\n", ShimUnderTest.Text(chunks, AttachStream.Stderr));
    }

    [Fact]
    public async Task Stdin_sent_and_closed_before_start_is_delivered()
    {
        await using var shim = await ShimUnderTest.Launch(["cat"], stdin: true, stdinOnce: true);
        await using var attach = await shim.Attach(stdin: true);

        await attach.WriteStdinAsync("early bytes\n"u8.ToArray(), shim.Timeout);
        attach.CloseStdin();
        await shim.Start();
        var chunks = await shim.ReadToEnd(attach);

        Assert.Equal("early bytes\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(0, (await shim.Wait()).ExitCode);
    }

    [Fact]
    public async Task Stdin_larger_than_a_pipe_buffer_written_around_start_arrives_whole()
    {
        var input = new byte[1 << 20];
        new Random(42).NextBytes(input);
        await using var shim = await ShimUnderTest.Launch(["cat"], stdin: true, stdinOnce: true);
        await using var attach = await shim.Attach(stdin: true);

        // Like `docker run -i`: stdin flows from before start on, concurrently with output.
        var writer = Task.Run(async () =>
        {
            await attach.WriteStdinAsync(input, shim.Timeout);
            attach.CloseStdin();
        });
        await shim.Start();
        var output = (await shim.ReadToEnd(attach)).SelectMany(c => c.Data).ToArray();
        await writer;

        Assert.Equal(input.Length, output.Length);
        Assert.True(input.AsSpan().SequenceEqual(output));
        Assert.Equal(0, (await shim.Wait()).ExitCode);
    }

    [Fact]
    public async Task Without_stdin_once_stdin_stays_open_for_the_next_attach()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "read a; echo got-$a; read b; echo got-$b"], stdin: true);
        await using var first = await shim.Attach(stdin: true);
        await shim.Start();
        await first.WriteStdinAsync("one\n"u8.ToArray(), shim.Timeout);
        first.CloseStdin();
        Assert.Contains("got-one\n", await shim.ReadUntil(first, "got-one\n"));

        await using var second = await shim.Attach(stdin: true);
        await second.WriteStdinAsync("two\n"u8.ToArray(), shim.Timeout);
        var rest = await shim.ReadToEnd(second);

        Assert.Equal("got-two\n", ShimUnderTest.Text(rest, AttachStream.Stdout));
        Assert.Equal(0, (await shim.Wait()).ExitCode);
    }

    [Fact]
    public async Task Two_attach_clients_see_the_same_output()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done; echo oops >&2"]);
        await using var first = await shim.Attach();
        await using var second = await shim.Attach();
        await shim.Start();

        var a = await shim.ReadToEnd(first);
        var b = await shim.ReadToEnd(second);

        var expected = string.Concat(Enumerable.Range(1, 5).Select(i => $"line-{i}\n"));
        Assert.Equal(expected, ShimUnderTest.Text(a, AttachStream.Stdout));
        Assert.Equal(expected, ShimUnderTest.Text(b, AttachStream.Stdout));
        Assert.Equal("oops\n", ShimUnderTest.Text(a, AttachStream.Stderr));
        Assert.Equal("oops\n", ShimUnderTest.Text(b, AttachStream.Stderr));
    }

    [Fact]
    public async Task Output_written_while_nobody_is_attached_is_only_in_the_log()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "echo before; read x; echo after"], stdin: true);
        await shim.Start();
        while (!File.Exists(shim.LogPath) || !File.ReadAllText(shim.LogPath).Contains("before"))
            await Task.Delay(20, shim.Timeout);

        await using var attach = await shim.Attach(stdin: true);
        await attach.WriteStdinAsync("go\n"u8.ToArray(), shim.Timeout);
        var chunks = await shim.ReadToEnd(attach);

        Assert.Equal("after\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(["before\n", "after\n"], shim.LogEntries().Select(e => (string)e["log"]!));
    }
}
