using Berth.Host.Api;

namespace Berth.Host.Tests.Api;

/// <summary>docker's timestamp arguments: Unix seconds, RFC 3339 and date forms, and durations back from now.</summary>
public sealed class TimeFilterSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unix_seconds_with_or_without_nanoseconds()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795707569), TimeFilter.Parse("1795707569", Now));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795707569500), TimeFilter.Parse("1795707569.500000000", Now));
    }

    [Fact]
    public void Go_durations_count_back_from_now()
    {
        Assert.Equal(Now.AddMinutes(-10), TimeFilter.Parse("10m", Now));
        Assert.Equal(Now.AddHours(-1).AddMinutes(-30), TimeFilter.Parse("1h30m", Now));
        Assert.Equal(Now.AddMilliseconds(-1500), TimeFilter.Parse("1.5s", Now));
    }

    [Fact]
    public void Rfc3339_and_dates_are_absolute()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.Zero), TimeFilter.Parse("2026-11-25T10:30:00+02:00", Now));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), TimeFilter.Parse("2026-11-25", Now));
    }

    [Fact]
    public void Times_beyond_what_a_date_holds_saturate_instead_of_overflowing()
    {
        Assert.Equal(DateTimeOffset.MaxValue, TimeFilter.Parse("99999999999999", Now));
        Assert.Equal(DateTimeOffset.MinValue, TimeFilter.Parse("-99999999999999.5", Now));
        Assert.Equal(DateTimeOffset.MinValue, TimeFilter.Parse("99999999999999h", Now));
        Assert.True(TimeFilter.TryParseUnix("99999999999999.123456789123", out var s, out var n));
        Assert.Equal((99999999999999, 123456789), (s, n));
        Assert.Equal(long.MaxValue, TimeFilter.UnixToNanos(s, n));
        Assert.Equal(long.MinValue, TimeFilter.UnixToNanos(-s, 0));
        Assert.Equal(1_795_707_569_500_000_000, TimeFilter.UnixToNanos(1795707569, 500_000_000));
    }

    [Fact]
    public void Anything_else_is_a_400()
    {
        var e = Assert.Throws<ApiException>(() => TimeFilter.Parse("yesterday", Now));
        Assert.Equal(400, e.Status);
    }
}
