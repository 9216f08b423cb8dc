using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>The lifecycle rules of <see cref="ContainerAggregate"/>, with docker's refusals, without any actor or process.</summary>
public sealed class ContainerAggregateSpecs
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly RestartPolicy Always = new(RestartPolicyKind.Always, 0);

    private static ContainerLife Created() => ContainerLife.New(Id);

    private static ContainerLife Running() => Created().Then(new ContainerStarted(4242, T0));

    private static ContainerLife Paused() => Running().Then(new ContainerPaused(T0));

    private static ContainerLife Exited(int code = 0) => Running().Then(new ContainerDied(code, T0.AddSeconds(1), false, null));

    private static Decided Decide(ContainerLife life, LifeCommand command) => ContainerAggregate.Decide(life, command, T0.AddMinutes(1));

    private static string Conflict(Decided d) =>
        Assert.IsType<Decision.Rejected>(d.Reply) is { Kind: ContainerErrorKind.Conflict } r ? r.Message : "not a conflict";

    [Fact]
    public void A_new_container_is_created_and_may_start()
    {
        Assert.Equal("created", Created().Run.StatusName);
        Assert.IsType<Decision.Proceed>(Decide(Created(), new LifeCommand.Start(false)).Reply);
    }

    [Fact]
    public void Starting_a_running_container_is_not_modified()
    {
        Assert.IsType<Decision.NotModified>(Decide(Running(), new LifeCommand.Start(false)).Reply);
    }

    [Fact]
    public void Stopping_a_stopped_container_is_not_modified()
    {
        Assert.IsType<Decision.NotModified>(Decide(Created(), new LifeCommand.Stop(false)).Reply);
        Assert.IsType<Decision.NotModified>(Decide(Exited(), new LifeCommand.Stop(false)).Reply);
    }

    [Fact]
    public void Removing_a_running_container_without_force_is_a_conflict_with_dockers_text()
    {
        Assert.Equal($"You cannot remove a running container {Id}. Stop the container before attempting removal or force remove",
            Conflict(Decide(Running(), new LifeCommand.Remove(false))));
        Assert.IsType<Decision.Proceed>(Decide(Running(), new LifeCommand.Remove(true)).Reply);
    }

    [Fact]
    public void Killing_a_stopped_container_is_a_conflict_naming_it_as_the_client_did()
    {
        Assert.Equal($"Cannot kill container: web: Container {Id} is not running", Conflict(Decide(Created(), new LifeCommand.Kill("web", true))));
    }

    [Fact]
    public void A_container_being_removed_cannot_start_or_be_removed_again()
    {
        var removing = Created().Then(new LifeFact.RemovalBegun());
        Assert.Equal($"container {Id} is marked for removal and cannot be started", Conflict(Decide(removing, new LifeCommand.Start(false))));
        Assert.Equal($"removal of container {Id} is already in progress", Conflict(Decide(removing, new LifeCommand.Remove(true))));
    }

    [Fact]
    public void A_removed_container_is_not_found_for_anything()
    {
        var removed = Exited().Then(new LifeFact.Removed());
        var refused = Assert.IsType<Decision.Rejected>(Decide(removed, new LifeCommand.Start(false)).Reply);
        Assert.Equal((ContainerErrorKind.NotFound, $"No such container: {Id}"), (refused.Kind, refused.Message));
    }

    [Fact]
    public void A_running_container_may_be_paused_and_is_then_paused_but_still_running()
    {
        var decided = Decide(Running(), new LifeCommand.Pause());
        Assert.IsType<Decision.Proceed>(decided.Reply);
        var paused = Running().Then(decided.Events);
        Assert.Equal(("paused", true, 4242), (paused.Run.StatusName, paused.Run.IsRunning, paused.Run.Pid));
    }

    [Fact]
    public void Pausing_twice_or_pausing_a_stopped_container_is_refused()
    {
        Assert.Equal($"Container {Id} is already paused", Conflict(Decide(Paused(), new LifeCommand.Pause())));
        Assert.Equal($"Container {Id} is not running", Conflict(Decide(Created(), new LifeCommand.Pause())));
        Assert.Equal($"Container {Id} is not running", Conflict(Decide(Exited(), new LifeCommand.Pause())));
    }

    [Fact]
    public void Only_a_paused_container_may_be_unpaused_and_it_is_running_again()
    {
        Assert.Equal($"Container {Id} is not paused", Conflict(Decide(Running(), new LifeCommand.Unpause())));
        var decided = Decide(Paused(), new LifeCommand.Unpause());
        Assert.Equal("running", Paused().Then(decided.Events).Run.StatusName);
    }

    [Fact]
    public void A_paused_container_that_dies_is_exited_and_thawing_does_not_revive_it()
    {
        var dead = Paused().Then(new ContainerDied(137, T0, false, null));
        Assert.Equal("exited", dead.Run.StatusName);
        Assert.Equal("exited", dead.Then(new ContainerUnpaused(T0)).Run.StatusName);
    }

    [Fact]
    public void Top_looks_into_running_and_paused_containers_only()
    {
        Assert.IsType<Decision.Proceed>(Decide(Running(), new LifeCommand.Observe()).Reply);
        Assert.IsType<Decision.Proceed>(Decide(Paused(), new LifeCommand.Observe()).Reply);
        Assert.Equal($"Container {Id} is not running", Conflict(Decide(Created(), new LifeCommand.Observe())));
    }

    [Fact]
    public void A_policy_restart_counts_once_and_shows_restarting_until_the_back_off_is_over()
    {
        var ended = Exited(1);
        var decided = Decide(ended, new LifeCommand.JudgeRestart(Always, 1, TimeSpan.FromSeconds(1)));
        var restarting = ended.Then(decided.Events);
        Assert.Equal(("restarting", 1), (restarting.Run.StatusName, restarting.Restart.Count));
        Assert.Contains(new LifeEffect.ScheduleRestart(RestartPolicy.MinBackoff), decided.Events.SelectMany(ContainerAggregate.EffectsOf));
        var started = restarting.Then(Decide(restarting, new LifeCommand.Start(ByPolicy: true)).Events).Then(new ContainerStarted(7, T0));
        Assert.Equal(("running", 1), (started.Run.StatusName, started.Restart.Count));
    }

    [Fact]
    public void Docker_stop_cancels_the_policy_for_this_run_and_drops_a_pending_restart()
    {
        var stop = Decide(Running(), new LifeCommand.Stop(false));
        Assert.Null(Decide(Running().Then(stop.Events).Then(new ContainerDied(0, T0, false, null)),
            new LifeCommand.JudgeRestart(Always, 0, TimeSpan.FromSeconds(1))).Events.OfType<ContainerRestartScheduled>().FirstOrDefault());

        var restarting = Exited(1).Then(Decide(Exited(1), new LifeCommand.JudgeRestart(Always, 1, TimeSpan.Zero)).Events);
        var stopped = Decide(restarting, new LifeCommand.Stop(false));
        Assert.IsType<Decision.Completed>(stopped.Reply);
        Assert.Contains(new LifeEffect.CancelRestart(), stopped.Events.SelectMany(ContainerAggregate.EffectsOf));
        Assert.Equal("exited", restarting.Then(stopped.Events).Run.StatusName);
    }

    [Fact]
    public void A_start_is_stored_as_intended_first_and_a_daemon_that_died_before_it_was_recorded_ends_it()
    {
        var decided = Decide(Created(), new LifeCommand.Start(false));
        Assert.IsType<ContainerStartBegun>(Assert.Single(decided.Events));
        var intended = Created().Then(decided.Events);

        var reconciled = Decide(intended, new LifeCommand.Reconcile(ShimShutDown: true));
        var died = Assert.IsType<ContainerDied>(Assert.Single(reconciled.Events));
        Assert.Equal(137, died.ExitCode);
        var after = intended.Then(reconciled.Events);
        Assert.Equal(("exited", false), (after.Run.StatusName, after.StartUnconfirmed));
        Assert.Empty(Decide(after, new LifeCommand.Reconcile(ShimShutDown: false)).Events); // once
        Assert.Empty(Decide(Exited(), new LifeCommand.Reconcile(ShimShutDown: true)).Events); // a recorded run has nothing to reconcile
    }

    [Fact]
    public void Docker_wait_on_a_stopped_container_answers_at_once_and_on_a_running_one_when_it_exits()
    {
        Assert.Equal(new ContainerExited(3), Assert.IsType<Decision.Answer>(Decide(Exited(3), new LifeCommand.Await(WaitFor.Exit)).Reply).Reply);

        var waiting = Running().Then(Decide(Running(), new LifeCommand.Await(WaitFor.Exit)).Events);
        var ticket = Assert.Single(waiting.Waiters).Ticket;
        var ended = Decide(waiting, new LifeCommand.RunEnded(new ContainerDied(7, T0.AddSeconds(5), false, null), true, RestartPolicy.None, false));
        Assert.Equal(new ContainerExited(7), Assert.Single(ended.Events.OfType<LifeFact.Answered>(), a => a.Ticket == ticket).Reply);
        Assert.Empty(waiting.Then(ended.Events).Waiters);
    }

    [Fact]
    public void Docker_restart_starts_the_container_again_once_its_run_ended_instead_of_the_restart_policy()
    {
        var stopping = Running().Then(Decide(Running(), new LifeCommand.Stop(ThenStart: true)).Events);
        var ended = Decide(stopping, new LifeCommand.RunEnded(new ContainerDied(0, T0.AddSeconds(5), false, null), true, Always, false));
        Assert.Contains(ended.Events, e => e is LifeFact.StartAgain);
        Assert.DoesNotContain(ended.Events, e => e is ContainerRestartScheduled);
        Assert.Equal(new ContainerDone(), Assert.Single(ended.Events.OfType<LifeFact.Answered>()).Reply);
    }

    [Fact]
    public void An_exec_is_refused_in_a_paused_or_stopped_container_with_dockers_messages()
    {
        var spec = new ExecSpec { Cmd = ["true"] };
        Assert.Equal($"Container {Id} is paused, unpause the container before exec", Conflict(Decide(Paused(), new LifeCommand.CreateExec("e1", spec, true))));
        Assert.Equal($"Container {Id} is not running", Conflict(Decide(Exited(), new LifeCommand.CreateExec("e1", spec, true))));
        Assert.Equal($"Container {Id} is not running", Conflict(Decide(Running(), new LifeCommand.CreateExec("e1", spec, HasShim: false))));
        Assert.Equal(ContainerErrorKind.Invalid, Assert.IsType<Decision.Rejected>(Decide(Running(), new LifeCommand.CreateExec("e1", new ExecSpec(), true)).Reply).Kind);
    }

    [Fact]
    public void An_exec_keeps_its_exit_code_and_the_runs_end_drops_it_answering_its_waiters_with_137()
    {
        var life = Running();
        life = life.Then(Decide(life, new LifeCommand.CreateExec("done", new ExecSpec { Cmd = ["true"] }, true)).Events);
        life = life.Then(Decide(life, new LifeCommand.CreateExec("busy", new ExecSpec { Cmd = ["sleep", "9"] }, true)).Events);
        foreach (var exec in new[] { "done", "busy" })
        {
            life = life.Then(Decide(life, new LifeCommand.ExecPrepared(exec)).Events);
            life = life.Then(Decide(life, new LifeCommand.ExecStarted(exec, 100)).Events);
        }
        life = life.Then(Decide(life, new LifeCommand.ExecExited("done", 3)).Events);
        Assert.Equal(new ExecEnded(3), Assert.IsType<Decision.Answer>(Decide(life, new LifeCommand.AwaitExec("done")).Reply).Reply);
        Assert.Equal(["busy"], life.RunningExecIds);

        life = life.Then(Decide(life, new LifeCommand.AwaitExec("busy")).Events);
        var ended = Decide(life, new LifeCommand.RunEnded(new ContainerDied(0, T0.AddSeconds(5), false, null), true, RestartPolicy.None, false));
        Assert.Equal(new ExecEnded(137), Assert.Single(ended.Events.OfType<LifeFact.Answered>()).Reply);
        life = life.Then(ended.Events);
        Assert.Empty(life.Execs);
        Assert.Equal(ContainerErrorKind.NotFound, Assert.IsType<Decision.Rejected>(Decide(life, new LifeCommand.AwaitExec("done")).Reply).Kind);
    }

    [Theory]
    [InlineData(0, 0, 100)]       // the first restart waits 100 ms
    [InlineData(100, 1, 200)]     // each further one twice as long
    [InlineData(400, 9, 800)]
    [InlineData(40_000, 1, 60_000)] // at most a minute
    [InlineData(6_400, 10, 100)]  // a run of 10 s starts the doubling over
    public void The_back_off_doubles_from_100_ms_like_dockers(int lastMs, int ranSeconds, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ContainerAggregate.NextBackoff(TimeSpan.FromMilliseconds(lastMs), TimeSpan.FromSeconds(ranSeconds)));
    }
}

/// <summary>Reads specs as a story: a life, then the events that happened to it.</summary>
internal static class ContainerLifeStory
{
    public static ContainerLife Then(this ContainerLife life, params object[] events) => ContainerAggregate.ApplyAll(life, events);

    public static ContainerLife Then(this ContainerLife life, IReadOnlyList<object> events) => ContainerAggregate.ApplyAll(life, events);
}
