using Xunit;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>Containers with process.terminal: the pty master arrives over the console socket.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimTerminalSpecs
{
    [Fact]
    public async Task Terminal_output_is_raw_with_crlf_on_stdout()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "echo hi; echo there >&2"], terminal: true);
        await using var attach = await shim.Attach();
        await shim.Start();

        var chunks = await shim.ReadToEnd(attach);

        Assert.All(chunks, c => Assert.Equal(AttachStream.Stdout, c.Stream));
        Assert.Equal("hi\r\nthere\r\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(["hi\r\n", "there\r\n"], shim.LogEntries().Select(e => (string)e["log"]!));
        Assert.All(shim.LogEntries(), e => Assert.Equal("stdout", (string?)e["stream"]));
        Assert.True((await shim.Wait()).ExitCode == 0);
    }

    [Fact]
    public async Task Resize_changes_what_stty_size_reports_inside()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "stty size; read x; stty size"], terminal: true, stdin: true);
        await using var client = await shim.Connect();
        await using var attach = await shim.Attach(stdin: true);
        await client.ResizeAsync(30, 100, shim.Timeout);
        await client.StartAsync(shim.Timeout);

        var first = await shim.ReadUntil(attach, "30 100\r\n");
        await client.ResizeAsync(40, 120, shim.Timeout);
        await attach.WriteStdinAsync("\n"u8.ToArray(), shim.Timeout);
        var second = await shim.ReadUntil(attach, "40 120\r\n");

        Assert.Equal("30 100\r\n", first);
        Assert.EndsWith("40 120\r\n", second);
        Assert.Equal(0, (await client.WaitAsync(shim.Timeout)).ExitCode);
    }

    [Fact]
    public async Task Resize_of_a_container_without_terminal_is_refused()
    {
        await using var shim = await ShimUnderTest.Launch(["true"]);
        await using var client = await shim.Connect();

        var refused = await Assert.ThrowsAsync<Berth.Shim.Client.ShimException>(() => client.ResizeAsync(10, 10, shim.Timeout));

        Assert.Contains("no terminal", refused.Message);
    }
}
