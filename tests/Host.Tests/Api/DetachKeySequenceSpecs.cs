using Berth.Host.Api;

namespace Berth.Host.Tests.Api;

/// <summary>The attach detachKeys parameter: docker's key syntax, and detection that passes other input through unchanged.</summary>
public sealed class DetachKeySequenceSpecs
{
    [Fact]
    public void The_default_sequence_is_ctrl_p_ctrl_q()
    {
        var keys = DetachKeySequence.Parse(null);
        Assert.Equal((Hex((byte)'a'), false), Flatten(keys.Feed("a"u8)));
        Assert.Equal(("", true), Flatten(keys.Feed([0x10, 0x11])));
    }

    [Fact]
    public void A_broken_prefix_is_released_as_typed()
    {
        var keys = DetachKeySequence.Parse("ctrl-p,ctrl-q");
        Assert.Equal(("", false), Flatten(keys.Feed([0x10])));
        Assert.Equal((Hex(0x10, (byte)'x'), false), Flatten(keys.Feed("x"u8)));
    }

    [Fact]
    public void Custom_keys_mix_letters_and_ctrl_combinations()
    {
        var keys = DetachKeySequence.Parse("a,ctrl-[,ctrl-_");
        Assert.Equal((Hex((byte)'b'), true), Flatten(keys.Feed([(byte)'b', (byte)'a', 27, 31])));
    }

    [Fact]
    public void Unknown_keys_are_dockers_400()
    {
        var e = Assert.Throws<ApiException>(() => DetachKeySequence.Parse("ctrl-??"));
        Assert.Equal(400, e.Status);
        Assert.Equal("Invalid detach keys (ctrl-??) provided", e.Message);
    }

    /// <summary>Arrays compare by reference in tuples; hex makes the forwarded bytes comparable.</summary>
    private static (string, bool) Flatten((byte[] Forward, bool Detach) r) => (Convert.ToHexString(r.Forward), r.Detach);

    private static string Hex(params byte[] b) => Convert.ToHexString(b);
}
