using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>docker's restart rules (moby's restartmanager) as the pure <see cref="RestartPolicy"/>.</summary>
public sealed class RestartPolicySpecs
{
    private static RestartPolicy Of(string name, int retries = 0) => RestartPolicy.Named(name, retries)!;

    /// <summary>docker's refusal of a policy by name: an unknown name, or the named policy's own.</summary>
    private static string? Validate(string name, int retries, bool autoRemove) =>
        RestartPolicy.Named(name, retries) is { } p ? RestartPolicy.Validate(p, autoRemove) : RestartPolicy.UnknownName(name);

    [Fact]
    public void No_policy_never_restarts()
    {
        Assert.True(RestartPolicy.None.IsNone);
        Assert.True(Of("").IsNone);
        Assert.Null(Of("no").AfterExit(1, RestartRecord.Fresh, canceled: false));
    }

    [Fact]
    public void Always_restarts_after_any_exit_unless_the_user_stopped_this_run()
    {
        var always = Of("always");
        Assert.Equal("always", always.AfterExit(0, RestartRecord.Fresh, canceled: false));
        Assert.Equal("always", always.AfterExit(137, new RestartRecord(40, false), canceled: false));
        Assert.Null(always.AfterExit(0, RestartRecord.Fresh.Stopped(), canceled: true));
    }

    [Fact]
    public void Unless_stopped_does_not_restart_a_container_the_user_stopped_even_by_a_non_fatal_kill()
    {
        var policy = Of("unless-stopped");
        Assert.Equal("unless-stopped", policy.AfterExit(0, RestartRecord.Fresh, canceled: false));
        Assert.Null(policy.AfterExit(0, RestartRecord.Fresh.Stopped(), canceled: false));
    }

    [Fact]
    public void On_failure_restarts_only_non_zero_exits_and_at_most_the_maximum_retry_count()
    {
        var policy = Of("on-failure", 2);
        Assert.Null(policy.AfterExit(0, RestartRecord.Fresh, canceled: false));
        Assert.Equal("on-failure", policy.AfterExit(1, RestartRecord.Fresh, canceled: false));
        Assert.Equal("on-failure", policy.AfterExit(1, RestartRecord.Fresh.Restarted(), canceled: false));
        Assert.Null(policy.AfterExit(1, RestartRecord.Fresh.Restarted().Restarted(), canceled: false));
    }

    [Fact]
    public void On_failure_without_a_maximum_retries_forever()
    {
        Assert.Equal("on-failure", Of("on-failure").AfterExit(3, new RestartRecord(1000, false), canceled: false));
    }

    [Fact]
    public void A_daemon_start_brings_back_always_even_after_a_user_stop_but_not_unless_stopped()
    {
        var stopped = RestartRecord.Fresh.Stopped();
        Assert.True(Of("always").StartsWithDaemon(0, stopped, everStarted: true));
        Assert.False(Of("unless-stopped").StartsWithDaemon(0, stopped, everStarted: true));
        Assert.True(Of("unless-stopped").StartsWithDaemon(0, RestartRecord.Fresh, everStarted: true));
        Assert.False(Of("always").StartsWithDaemon(0, RestartRecord.Fresh, everStarted: false));
        Assert.False(Of("no").StartsWithDaemon(1, RestartRecord.Fresh, everStarted: true));
    }

    [Fact]
    public void A_user_start_begins_a_new_count_and_forgets_the_stop()
    {
        Assert.Equal(RestartRecord.Fresh, new RestartRecord(5, true).UserStarted());
    }

    [Theory]
    [InlineData("always", 1, false, "invalid restart policy: maximum retry count can only be used with 'on-failure'")]
    [InlineData("no", 3, false, "invalid restart policy: maximum retry count can only be used with 'on-failure'")]
    [InlineData("on-failure", -1, false, "invalid restart policy: maximum retry count cannot be negative")]
    [InlineData("sometimes", 0, false, "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'")]
    [InlineData("always", 0, true, "can't create 'AutoRemove' container with restart policy")]
    [InlineData("on-failure", 2, true, "can't create 'AutoRemove' container with restart policy")]
    public void Dockers_validation_refuses_bad_policies(string name, int retries, bool autoRemove, string message)
    {
        Assert.Equal(message, Validate(name, retries, autoRemove));
    }

    [Theory]
    [InlineData("", 0, true)]
    [InlineData("no", 0, true)]
    [InlineData("on-failure", 5, false)]
    [InlineData("unless-stopped", 0, false)]
    public void Valid_policies_pass(string name, int retries, bool autoRemove)
    {
        Assert.Null(Validate(name, retries, autoRemove));
    }
}
