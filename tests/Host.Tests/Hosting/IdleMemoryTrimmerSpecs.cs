using Berth.Host.Hosting;

namespace Berth.Host.Tests.Hosting;

/// <summary>berthd gives memory back only after activity has gone quiet, once per burst.</summary>
public sealed class IdleMemoryTrimmerSpecs
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_daemon_that_has_served_nothing_is_not_trimmed() =>
        Assert.False(IdleMemoryTrimmer.ShouldTrim(now: 60_000, lastActivity: 0, lastTrim: 0, Quiet));

    [Fact]
    public void Activity_followed_by_quiet_is_trimmed() =>
        Assert.True(IdleMemoryTrimmer.ShouldTrim(now: 12_000, lastActivity: 10_000, lastTrim: 0, Quiet));

    [Fact]
    public void Recent_activity_is_not_interrupted() =>
        Assert.False(IdleMemoryTrimmer.ShouldTrim(now: 11_000, lastActivity: 10_000, lastTrim: 0, Quiet));

    [Fact]
    public void A_quiet_daemon_is_not_trimmed_again_before_a_follow_up_or_new_activity()
    {
        Assert.False(IdleMemoryTrimmer.ShouldTrim(now: 30_000, lastActivity: 10_000, lastTrim: 12_000, Quiet));
        Assert.True(IdleMemoryTrimmer.ShouldTrim(now: 33_000, lastActivity: 31_000, lastTrim: 12_000, Quiet));
    }

    [Fact]
    public void A_quiet_spell_is_trimmed_again_at_each_follow_up_and_then_no_more()
    {
        Assert.True(IdleMemoryTrimmer.ShouldTrim(now: 45_000, lastActivity: 10_000, lastTrim: 12_000, Quiet));
        Assert.False(IdleMemoryTrimmer.ShouldTrim(now: 60_000, lastActivity: 10_000, lastTrim: 45_000, Quiet));
        Assert.True(IdleMemoryTrimmer.ShouldTrim(now: 80_000, lastActivity: 10_000, lastTrim: 45_000, Quiet));
        Assert.False(IdleMemoryTrimmer.ShouldTrim(now: 600_000, lastActivity: 10_000, lastTrim: 80_000, Quiet));
    }

    [Fact]
    public async Task The_service_trims_after_a_request_burst_goes_quiet()
    {
        var trimmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var trimmer = new IdleMemoryTrimmer(TimeSpan.FromMilliseconds(100), () => trimmed.TrySetResult());
        await trimmer.StartAsync(TestContext.Current.CancellationToken);
        trimmer.Touch();
        await trimmed.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        await trimmer.StopAsync(TestContext.Current.CancellationToken);
    }
}
