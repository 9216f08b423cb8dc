using Berth.Shell.Formatting;

namespace Berth.Shell.Tests.Formatting;

public sealed class TimestampsSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("10m", "1795708200")]
    [InlineData("2h30m", "1795699800")]
    [InlineData("1.5h", "1795703400")]
    [InlineData("90s", "1795708710")]
    public void Durations_become_unix_seconds_before_now(string value, string expected) =>
        Assert.Equal(expected, Timestamps.ToApiValue(value, Now));

    [Theory]
    [InlineData("2026-11-26T15:39:29Z", "1795707569.000000000")]
    [InlineData("2026-11-26T15:39:29.172933868Z", "1795707569.172933868")]
    [InlineData("2026-11-26T17:39:29+02:00", "1795707569.000000000")]
    [InlineData("2026-11-26", "1795651200.000000000")]
    [InlineData("2026-11-26T15:39", "1795707540.000000000")]
    public void Dates_become_seconds_dot_nanoseconds(string value, string expected) =>
        Assert.Equal(expected, Timestamps.ToApiValue(value, Now));

    [Theory]
    [InlineData("1795707569")]
    [InlineData("1795707569.000000001")]
    [InlineData("0")]
    public void Unix_timestamps_pass_through(string value) => Assert.Equal(value, Timestamps.ToApiValue(value, Now));

    [Fact]
    public void Garbage_is_rejected_with_dockers_message()
    {
        var e = Assert.Throws<FormatException>(() => Timestamps.ToApiValue("yesterday", Now));
        Assert.Equal("failed to parse value as time or duration: \"yesterday\"", e.Message);
    }
}
