using Berth.Actors.Containers;

namespace Berth.Actors.Tests.Containers;

/// <summary>A container's run as a value: how exits and starts change it, and how docker ps describes it.</summary>
public sealed class ContainerStateSpecs
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ContainerState Running() => ContainerState.New(Id).Started(4242, T0);

    [Fact]
    public void Exit_records_code_time_and_error_and_clears_the_pid()
    {
        var s = Running().Exited(127, T0.AddSeconds(5), false, "exec: \"nosuch\": executable file not found in $PATH");
        Assert.Equal(ContainerStatus.Exited, s.Status);
        Assert.Equal(0, s.Pid);
        Assert.Equal(127, s.ExitCode);
        Assert.Contains("nosuch", s.Error);
        Assert.Equal(T0.AddSeconds(5), s.FinishedAt);
        Assert.False(s.IsRunning);
    }

    [Fact]
    public void A_restart_clears_the_previous_exit()
    {
        var s = Running().Exited(3, T0, true, "boom").Started(99, T0.AddMinutes(1));
        Assert.True(s.IsRunning);
        Assert.Equal((0, "", false, (DateTimeOffset?)null), (s.ExitCode, s.Error, s.OomKilled, s.FinishedAt));
    }

    [Theory]
    [InlineData(0.5, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(42, "42 seconds")]
    [InlineData(90, "About a minute")]
    [InlineData(600, "10 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(3 * 3600, "3 hours")]
    public void Durations_read_like_docker_ps(double seconds, string expected)
    {
        Assert.Equal(expected, ContainerState.HumanDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Status_text_reads_like_docker_ps()
    {
        Assert.Equal("Created", ContainerState.New(Id).Describe(T0));
        Assert.Equal("Up 2 minutes", Running().Describe(T0.AddMinutes(2)));
        Assert.Equal("Exited (3) 5 seconds ago", Running().Exited(3, T0, false, null).Describe(T0.AddSeconds(5)));
    }
}
