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
    public void Anything_else_is_a_400()
    {
        var e = Assert.Throws<ApiException>(() => TimeFilter.Parse("yesterday", Now));
        Assert.Equal(400, e.Status);
    }
}
