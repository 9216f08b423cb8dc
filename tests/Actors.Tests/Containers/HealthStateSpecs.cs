using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>docker's HEALTHCHECK rules: the effective check, its defaults, and how probe results fold into a status.</summary>
public sealed class HealthStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HealthCheck Check = new(["true"], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero, 3);

    private static HealthProbeResult Probe(int exitCode, int second = 1) => new(T0.AddSeconds(second), T0.AddSeconds(second), exitCode, $"exit {exitCode}");

    [Fact]
    public void Cmd_shell_runs_under_bin_sh_and_dockers_defaults_fill_the_rest()
    {
        var check = HealthCheck.Of(new ContainerSpec { Health = new HealthSettings { Test = ["CMD-SHELL", "test -f /ok"] } })!;
        Assert.Equal(["/bin/sh", "-c", "test -f /ok"], check.Probe);
        Assert.Equal(TimeSpan.FromSeconds(30), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), check.Timeout);
        Assert.Equal(TimeSpan.Zero, check.StartPeriod);
        Assert.Equal(3, check.Retries);
    }

    [Fact]
    public void Cmd_runs_its_arguments_as_given_with_nanosecond_durations()
    {
        var check = HealthCheck.Of(new ContainerSpec
        {
            Health = HealthCheck.Settings(new HealthConfig { Test = ["CMD", "cat", "/ok"], Interval = 200_000_000, Timeout = 1_000_000_000, Retries = 1 }),
        })!;
        Assert.Equal(["cat", "/ok"], check.Probe);
        Assert.Equal(TimeSpan.FromMilliseconds(200), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), check.Timeout);
        Assert.Equal(1, check.Retries);
    }

    [Fact]
    public void None_or_no_test_means_no_health_check()
    {
        Assert.Null(HealthCheck.Of(new ContainerSpec()));
        Assert.Null(HealthCheck.Of(new ContainerSpec { Health = new HealthSettings { Test = ["NONE"] } }));
    }

    [Fact]
    public void The_request_overrides_the_images_healthcheck_field_by_field()
    {
        var image = new HealthSettings { Test = ["CMD", "img"], Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(6), Retries = 7 };
        var merged = HealthCheck.Merge(new HealthSettings { Interval = TimeSpan.FromSeconds(1) }, image)!;
        Assert.Equal(["CMD", "img"], merged.Test);
        Assert.Equal(TimeSpan.FromSeconds(1), merged.Interval);
        Assert.Equal(TimeSpan.FromSeconds(6), merged.Timeout);
        Assert.Equal(7, merged.Retries);
        Assert.Same(image, HealthCheck.Merge(null, image));
        Assert.Equal(["NONE"], HealthCheck.Merge(new HealthSettings { Test = ["NONE"] }, image)!.Test);
    }

    [Fact]
    public void One_success_makes_it_healthy_and_retries_failures_in_a_row_unhealthy()
    {
        var h = HealthState.Starting.After(Probe(0), Check, T0);
        Assert.Equal(HealthStatus.Healthy, h.Status);
        h = h.After(Probe(1), Check, T0).After(Probe(1), Check, T0);
        Assert.Equal((HealthStatus.Healthy, 2), (h.Status, h.FailingStreak));
        h = h.After(Probe(1), Check, T0);
        Assert.Equal((HealthStatus.Unhealthy, 3), (h.Status, h.FailingStreak));
        h = h.After(Probe(0), Check, T0);
        Assert.Equal((HealthStatus.Healthy, 0), (h.Status, h.FailingStreak));
    }

    [Fact]
    public void Failures_inside_the_start_period_do_not_count_while_starting()
    {
        var check = Check with { StartPeriod = TimeSpan.FromSeconds(10), Retries = 1 };
        var h = HealthState.Starting.After(Probe(1, second: 5), check, T0);
        Assert.Equal((HealthStatus.Starting, 0), (h.Status, h.FailingStreak));
        h = h.After(Probe(1, second: 11), check, T0);
        Assert.Equal((HealthStatus.Unhealthy, 1), (h.Status, h.FailingStreak));
    }

    [Fact]
    public void The_log_keeps_the_last_five_results()
    {
        var h = HealthState.Starting;
        for (var i = 0; i < 7; i++) h = h.After(Probe(i % 2, second: i), Check, T0);
        Assert.Equal(5, h.Log.Count);
        Assert.Equal(T0.AddSeconds(2), h.Log[0].Start);
        Assert.Equal(T0.AddSeconds(6), h.Log[^1].Start);
    }

    [Theory]
    [InlineData("restart", HealthOnFailure.Restart)]
    [InlineData("kill", HealthOnFailure.Kill)]
    [InlineData("stop", HealthOnFailure.Stop)]
    [InlineData("none", HealthOnFailure.None)]
    public void The_health_on_failure_label_names_the_action(string value, HealthOnFailure action)
    {
        var config = new ContainerSpec { Labels = new Dictionary<string, string> { [HealthOnFailureLabel.Name] = value } };
        Assert.Equal(action, HealthOnFailureLabel.Of(config));
        Assert.Null(HealthOnFailureLabel.Validate(config));
    }

    [Fact]
    public void An_unknown_health_on_failure_value_and_a_sub_millisecond_interval_are_refused()
    {
        var config = new ContainerSpec { Labels = new Dictionary<string, string> { [HealthOnFailureLabel.Name] = "reboot" } };
        Assert.Equal("invalid berth.health-on-failure \"reboot\": use one of restart, kill, stop or none", HealthOnFailureLabel.Validate(config));
        // 10 ns: below one tick of a TimeSpan, still not zero, so still refused.
        Assert.Equal("Interval in Healthcheck cannot be less than 1ms", HealthCheck.Validate(HealthCheck.Settings(new HealthConfig { Interval = 10 })));
    }
}
