using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>docker's pause, unpause and top rules on a container's state, with dockerd's 409 messages.</summary>
public sealed class PauseRulesSpecs
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ContainerState Running() => ContainerState.New(Id).Started(4242, T0);

    private static string Refusal(Decision d) => Assert.IsType<Decision.Rejected>(d) is { Kind: ContainerErrorKind.Conflict } r ? r.Message : "not a conflict";

    [Fact]
    public void A_running_container_may_be_paused_and_is_then_paused_but_still_running()
    {
        Assert.IsType<Decision.Proceed>(Running().JudgePause());
        var paused = Running().Frozen();
        Assert.Equal("paused", paused.StatusName);
        Assert.True(paused.IsRunning);
        Assert.Equal(4242, paused.Pid);
    }

    [Fact]
    public void Pausing_twice_or_pausing_a_stopped_container_is_refused()
    {
        Assert.Equal($"Container {Id} is already paused", Refusal(Running().Frozen().JudgePause()));
        Assert.Equal($"Container {Id} is not running", Refusal(ContainerState.New(Id).JudgePause()));
        Assert.Equal($"Container {Id} is not running", Refusal(Running().Exited(0, T0, false, null).JudgePause()));
    }

    [Fact]
    public void Only_a_paused_container_may_be_unpaused_and_it_is_running_again()
    {
        Assert.Equal($"Container {Id} is not paused", Refusal(Running().JudgeUnpause()));
        Assert.IsType<Decision.Proceed>(Running().Frozen().JudgeUnpause());
        Assert.Equal("running", Running().Frozen().Thawed().StatusName);
    }

    [Fact]
    public void A_paused_container_that_dies_is_exited_and_thawing_does_not_revive_it()
    {
        var dead = Running().Frozen().Exited(137, T0, false, null);
        Assert.Equal("exited", dead.StatusName);
        Assert.Equal("exited", dead.Thawed().StatusName);
    }

    [Fact]
    public void Top_looks_into_running_and_paused_containers_only()
    {
        Assert.IsType<Decision.Proceed>(Running().JudgeTop());
        Assert.IsType<Decision.Proceed>(Running().Frozen().JudgeTop());
        Assert.Equal($"Container {Id} is not running", Refusal(ContainerState.New(Id).JudgeTop()));
    }
}
