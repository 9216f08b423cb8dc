using System.Text;
using Berth.Shell.Terminal;

namespace Berth.Shell.Tests.Terminal;

public sealed class DetachKeysSpecs
{
    [Fact]
    public void The_default_is_ctrl_p_ctrl_q() => Assert.Equal(new byte[] { 0x10, 0x11 }, DetachKeys.Parse(DetachKeys.Default));

    [Theory]
    [InlineData("ctrl-a,x", new byte[] { 1, (byte)'x' })]
    [InlineData("ctrl-@", new byte[] { 0 })]
    [InlineData("ctrl-\\,ctrl-],ctrl-_", new byte[] { 28, 29, 31 })]
    [InlineData("a,b,c", new byte[] { (byte)'a', (byte)'b', (byte)'c' })]
    public void Keys_map_to_ascii_codes(string keys, byte[] expected) => Assert.Equal(expected, DetachKeys.Parse(keys));

    [Theory]
    [InlineData("ctrl-1", "ctrl-1")]
    [InlineData("ctrl-A", "ctrl-A")]
    [InlineData("ab", "ab")]
    [InlineData("ctrl-p,,", "")]
    public void Unknown_keys_are_rejected_with_dockers_message(string keys, string bad)
    {
        var e = Assert.Throws<FormatException>(() => DetachKeys.Parse(keys));
        Assert.Equal($"Unknown character: '{bad}'", e.Message);
    }

    private static (string Forward, bool Detached) Feed(DetachKeyDetector d, string input)
    {
        var (forward, detached) = d.Process(Encoding.Latin1.GetBytes(input));
        return (Encoding.Latin1.GetString(forward), detached);
    }

    [Fact]
    public void The_sequence_detaches_and_what_came_before_is_forwarded()
    {
        var d = new DetachKeyDetector(DetachKeys.Parse(DetachKeys.Default));
        Assert.Equal(("ls\r", true), Feed(d, "ls\r\x10\x11rest"));
    }

    [Fact]
    public void A_sequence_split_across_reads_is_held_then_detects()
    {
        var d = new DetachKeyDetector(DetachKeys.Parse(DetachKeys.Default));
        Assert.Equal(("a", false), Feed(d, "a\x10"));
        Assert.Equal(("", true), Feed(d, "\x11"));
    }

    [Fact]
    public void A_broken_prefix_is_released_unchanged()
    {
        var d = new DetachKeyDetector(DetachKeys.Parse(DetachKeys.Default));
        Assert.Equal(("", false), Feed(d, "\x10"));
        Assert.Equal(("\x10x", false), Feed(d, "x"));
        Assert.Equal(("\x10", true), Feed(d, "\x10\x10\x11"));
    }
}
