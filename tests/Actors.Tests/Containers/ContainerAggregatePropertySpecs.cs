using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using CsCheck;

namespace Berth.Actors.Tests.Containers;

/// <summary>
/// Any sequence of requests and runtime reports keeps the container's invariants (CsCheck generates the sequences and
/// shrinks a failing one to its shortest form). The runtime side is played as the actor plays it: a start that
/// proceeds is followed by its process report, an exit by the policy's judgement, a removal that proceeds by its end.
/// </summary>
public sealed class ContainerAggregatePropertySpecs
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One thing that happens to a container: Kind picks what, A and B are its arguments.</summary>
    private sealed record Step(int Kind, int A, bool B);

    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 17], Gen.Int[0, 300], Gen.Bool, (k, a, b) => new Step(k, a, b));

    private static readonly RestartPolicy[] Policies =
        [RestartPolicy.None, new(RestartPolicyKind.Always, 0), new(RestartPolicyKind.UnlessStopped, 0), new(RestartPolicyKind.OnFailure, 3)];

    private static readonly Gen<(RestartPolicy, Step[])> Lives = Gen.Select(Gen.Int[0, Policies.Length - 1].Select(i => Policies[i]), Steps.Array[0, 60]);

    private static readonly LifeCommand[] AnyCommand =
    [
        new LifeCommand.Start(false), new LifeCommand.Start(true), new LifeCommand.Stop(false), new LifeCommand.Stop(true),
        new LifeCommand.Kill("c", true), new LifeCommand.Remove(false), new LifeCommand.Remove(true), new LifeCommand.Pause(),
        new LifeCommand.Unpause(), new LifeCommand.Observe(), new LifeCommand.RunStarted(1), new LifeCommand.Unhealthy(HealthOnFailure.Restart),
        new LifeCommand.JudgeRestart(new RestartPolicy(RestartPolicyKind.Always, 0), 1, TimeSpan.Zero), new LifeCommand.Reconcile(true),
        new LifeCommand.Await(WaitFor.Exit), new LifeCommand.Await(WaitFor.Removal), new LifeCommand.RemovalEnded(null), new LifeCommand.StopDeadline(0),
        new LifeCommand.RunEnded(new ContainerDied(0, T0, false, null), true, RestartPolicy.None, false),
    ];

    [Fact]
    public void A_refusal_never_comes_with_events() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (_, _, decided) =>
        {
            if (decided.Reply is Decision.Rejected) Assert.Empty(decided.Events);
        }));

    [Fact]
    public void A_removed_container_accepts_nothing() =>
        Lives.Sample((policy, steps) =>
        {
            var life = Play(policy, steps, (_, _, _) => { });
            if (!life.Removed) return;
            foreach (var command in AnyCommand)
            {
                var decided = ContainerAggregate.Decide(life, command, T0);
                Assert.Equal(ContainerErrorKind.NotFound, Assert.IsType<Decision.Rejected>(decided.Reply).Kind);
                Assert.Empty(decided.Events);
            }
        });

    [Fact]
    public void The_restart_count_only_grows_one_by_one_until_a_user_start_begins_it_anew() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (before, command, decided) =>
        {
            var after = ContainerAggregate.ApplyAll(before, decided.Events);
            if (command is LifeCommand.Start { ByPolicy: false } && decided.Events.OfType<ContainerRestartRecordReset>().Any())
                Assert.Equal(0, after.Restart.Count);
            else
                Assert.Equal(before.Restart.Count + decided.Events.OfType<ContainerRestartScheduled>().Count(), after.Restart.Count);
        }));

    [Fact]
    public void At_most_one_run_at_a_time() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (before, command, decided) =>
        {
            var live = before.Run.Status is ContainerStatus.Running or ContainerStatus.Paused;
            if (live && command is LifeCommand.Start or LifeCommand.RunStarted) Assert.IsNotType<Decision.Proceed>(decided.Reply);
            var after = ContainerAggregate.ApplyAll(before, decided.Events);
            Assert.Equal(after.Run.Status is ContainerStatus.Running or ContainerStatus.Paused, after.Run.Pid > 0);
        }));

    [Fact]
    public void The_back_off_stays_between_100_ms_and_a_minute() =>
        Lives.Sample((policy, steps) =>
        {
            var life = Play(policy, steps, (_, _, _) => { });
            Assert.True(life.LastBackoff == TimeSpan.Zero || (life.LastBackoff >= RestartPolicy.MinBackoff && life.LastBackoff <= RestartPolicy.MaxBackoff));
        });

    [Fact]
    public void A_waiter_is_answered_exactly_once_and_none_outlives_the_container() =>
        Lives.Sample((policy, steps) =>
        {
            var waiting = new HashSet<long>();
            var answered = new HashSet<long>();
            var life = Play(policy, steps, (before, _, decided) =>
            {
                foreach (var e in decided.Events)
                    switch (e)
                    {
                        case LifeFact.Waiting w:
                            Assert.True(waiting.Add(w.Waiter.Ticket), $"ticket {w.Waiter.Ticket} given twice");
                            break;
                        case LifeFact.Answered a:
                            Assert.Contains(a.Ticket, waiting);
                            Assert.True(answered.Add(a.Ticket), $"ticket {a.Ticket} answered twice");
                            break;
                    }
                var after = ContainerAggregate.ApplyAll(before, decided.Events);
                Assert.Equal(waiting.Except(answered).Order(), after.Waiters.Select(w => w.Ticket).Order());
            });
            if (life.Removed) Assert.Empty(life.Waiters);
        });

    [Fact]
    public void When_a_run_ends_nobody_waits_for_its_exit_stop_or_kill_any_more() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (before, command, decided) =>
        {
            if (command is not LifeCommand.RunEnded) return;
            var after = ContainerAggregate.ApplyAll(before, decided.Events);
            Assert.DoesNotContain(after.Waiters, w => w.For is WaitFor.Exit or WaitFor.Stop or WaitFor.Kill or WaitFor.ExecExit);
        }));

    [Fact]
    public void No_exec_runs_in_a_container_that_is_not_running() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (before, command, decided) =>
        {
            if (command is LifeCommand.CreateExec or LifeCommand.PrepareExec or LifeCommand.BeginExec && decided.Reply is Decision.Proceed)
                Assert.Equal(ContainerStatus.Running, before.Run.Status);
            var after = ContainerAggregate.ApplyAll(before, decided.Events);
            if (after.Execs.Values.Any(e => e.Running)) Assert.True(after.Run.Status is ContainerStatus.Running or ContainerStatus.Paused, after.Run.StatusName);
            if (after.Run.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) Assert.Empty(after.Execs);
        }));

    [Fact]
    public void An_exec_keeps_the_exit_code_it_ended_with_and_ends_once() =>
        Lives.Sample((policy, steps) => Play(policy, steps, (before, command, decided) =>
        {
            if (command is not LifeCommand.ExecExited exited || !before.Execs.TryGetValue(exited.ExecId, out var exec)) return;
            var after = ContainerAggregate.ApplyAll(before, decided.Events);
            if (exec.Phase == ExecPhase.Exited) Assert.Equal(exec, after.Execs[exited.ExecId]);
            else Assert.Equal((ExecPhase.Exited, exited.ExitCode), (after.Execs[exited.ExecId].Phase, after.Execs[exited.ExecId].ExitCode));
        }));

    /// <summary>Folds the steps into a life, showing <paramref name="check"/> every decision with the state it was made in.</summary>
    private static ContainerLife Play(RestartPolicy policy, Step[] steps, Action<ContainerLife, LifeCommand, Decided> check)
    {
        var life = ContainerLife.New(Id);
        var now = T0;
        foreach (var step in steps)
        {
            now = now.AddSeconds(step.A);
            switch (step.Kind)
            {
                case 0 or 1:
                    if (Decide(new LifeCommand.Start(ByPolicy: step.Kind == 1)).Reply is Decision.Proceed)
                        Decide(new LifeCommand.RunStarted(step.A + 1));
                    break;
                case 2: Decide(new LifeCommand.Stop(step.B)); break;
                case 3: Decide(new LifeCommand.Kill("c", step.B)); break;
                case 4: Decide(new LifeCommand.Pause()); break;
                case 5: Decide(new LifeCommand.Unpause()); break;
                case 6: Decide(new LifeCommand.Observe()); break;
                case 7: Exit(step.A % 3, TimeSpan.FromSeconds(step.A % 20)); break;
                case 8:
                    if (Decide(new LifeCommand.Remove(step.B)).Reply is not Decision.Proceed) break;
                    if (life.Run.IsRunning) Decide(new LifeCommand.RunEnded(new ContainerDied(137, now, false, null), true, policy, false));
                    life = ContainerAggregate.Apply(life, new LifeFact.RemovalBegun());
                    Decide(new LifeCommand.RemovalEnded(step.A % 5 == 0 ? "device or resource busy" : null));
                    break;
                case 9: Decide(new LifeCommand.Unhealthy(step.B ? HealthOnFailure.Restart : HealthOnFailure.Stop)); break;
                case 10: Decide(new LifeCommand.Await(WaitFor.Exit, Next: step.B)); break;
                case 11: Decide(new LifeCommand.Await(step.B ? WaitFor.Removal : WaitFor.Kill)); break;
                case 12 when step.A % 2 == 0: // a start whose process never came up
                    if (Decide(new LifeCommand.Start(ByPolicy: step.B)).Reply is Decision.Proceed)
                        Decide(new LifeCommand.RunEnded(new ContainerDied(127, now, false, "not found"), false, policy, false));
                    break;
                case 13: Decide(new LifeCommand.CreateExec("exec" + step.A, new ExecSpec { Cmd = ["true"] }, HasShim: step.A % 7 != 0)); break;
                case 14:
                {
                    var exec = AnExec(step.A);
                    if (Decide(new LifeCommand.PrepareExec(exec, HasShim: true)).Reply is not Decision.Proceed) break;
                    Decide(new LifeCommand.ExecPrepared(exec));
                    if (step.B && Decide(new LifeCommand.BeginExec(exec, HasShim: true)).Reply is Decision.Proceed)
                        Decide(new LifeCommand.ExecStarted(exec, step.A + 1000));
                    break;
                }
                case 15: Decide(new LifeCommand.ExecExited(AnExec(step.A), step.A % 130)); break;
                case 16: Decide(new LifeCommand.AwaitExec(AnExec(step.A))); break;
                default: Decide(new LifeCommand.RunStarted(step.A + 1)); break; // a stray process report
            }
        }
        return life;

        // One of the container's execs (or an unknown id when it has none).
        string AnExec(int n) => life.Execs.IsEmpty ? "exec-unknown" : life.Execs.Keys.Order(StringComparer.Ordinal).ElementAt(n % life.Execs.Count);

        Decided Decide(LifeCommand command)
        {
            var decided = ContainerAggregate.Decide(life, command, now);
            check(life, command, decided);
            life = ContainerAggregate.ApplyAll(life, decided.Events);
            return decided;
        }

        void Exit(int code, TimeSpan lasted)
        {
            if (life.Run.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return;
            Decide(new LifeCommand.RunEnded(new ContainerDied(code, life.Run.StartedAt!.Value + lasted, false, null), true, policy, false));
        }
    }
}
