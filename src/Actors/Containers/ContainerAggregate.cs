using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// Every rule of a container's lifecycle in one pure place: <see cref="Decide"/> judges a request against the state
/// (docker's refusals and messages, the restart policy and its back-off, health-on-failure), <see cref="Apply"/>
/// folds an event into the state. No I/O: the actor persists the journal records among the events, applies them all,
/// and does the work at the runtime.
/// </summary>
public static class ContainerAggregate
{
    public static Decided Decide(ContainerLife life, LifeCommand command, DateTimeOffset now)
    {
        var s = life.Run;
        var id = life.Id;
        if (life.Removed) return Decided.Only(new Decision.Rejected(ContainerErrorKind.NotFound, $"No such container: {id}"));
        switch (command)
        {
            case LifeCommand.Start { ByPolicy: true }:
                return s.Status == ContainerStatus.Restarting ? new([new ContainerStartBegun(now)], Decision.Go) : Decided.Only(Decision.Unchanged);
            case LifeCommand.Start:
                if (s.IsRunning) return Decided.Only(Decision.Unchanged);
                if (s.Status is ContainerStatus.Removing or ContainerStatus.Dead)
                    return Decided.Only(Conflict($"container {id} is marked for removal and cannot be started"));
                // A start that is not the policy's own begins a new restart count (docker start/restart, the daemon's start).
                // The intent is stored before the shim is launched, so a daemon that dies in between knows to reconcile.
                return new(life.Restart == RestartRecord.Fresh ? [new ContainerStartBegun(now)] : [new ContainerRestartRecordReset(now), new ContainerStartBegun(now)],
                    Decision.Go);

            case LifeCommand.Stop stop:
            {
                var events = UserStopped(life, now);
                if (s.Status == ContainerStatus.Restarting)
                    return new([.. events, new LifeFact.RestartAbandoned()], stop.ThenStart ? Decision.Unchanged : Decision.Done);
                if (!s.IsRunning) return new(events, Decision.Unchanged);
                return new([.. events, Wait(life, WaitFor.Stop), new LifeFact.Stopping(stop.ThenStart)], Decision.Go);
            }

            case LifeCommand.Kill kill:
                if (!s.IsRunning)
                    return Decided.Only(Conflict($"Cannot kill container: {kill.Ref}: Container {id} is not running"));
                {
                    List<object> events = kill.CancelsPolicy ? [new LifeFact.PolicyCanceled()] : [];
                    if (!life.Restart.StoppedByUser) events.Add(new ContainerStoppedByUser(now));
                    if (s.Status == ContainerStatus.Restarting) return new([.. events, new LifeFact.RestartAbandoned()], Decision.Done);
                    return new(events, Decision.Go);
                }

            case LifeCommand.Remove remove:
                if (s.Status == ContainerStatus.Removing) return Decided.Only(Conflict($"removal of container {id} is already in progress"));
                if (remove.Force)
                    return new(s.Status == ContainerStatus.Restarting ? [new LifeFact.RestartAbandoned(), Wait(life, WaitFor.Remove)] : [Wait(life, WaitFor.Remove)], Decision.Go);
                if (s.IsRunning)
                    return Decided.Only(Conflict($"You cannot remove a running container {id}. Stop the container before attempting removal or force remove"));
                return new([Wait(life, WaitFor.Remove)], Decision.Go);

            case LifeCommand.Pause:
                return s.Status switch
                {
                    ContainerStatus.Running => new([new ContainerPaused(now)], Decision.Go),
                    ContainerStatus.Paused => Decided.Only(Conflict($"Container {id} is already paused")),
                    ContainerStatus.Restarting => Decided.Only(Restarting(id)),
                    _ => Decided.Only(NotRunning(id)),
                };

            case LifeCommand.Unpause:
                return s.Status == ContainerStatus.Paused
                    ? new([new ContainerUnpaused(now)], Decision.Go)
                    : Decided.Only(Conflict($"Container {id} is not paused"));

            case LifeCommand.Observe:
                return s.Status switch
                {
                    ContainerStatus.Running or ContainerStatus.Paused => Decided.Only(Decision.Go),
                    ContainerStatus.Restarting => Decided.Only(Restarting(id)),
                    _ => Decided.Only(NotRunning(id)),
                };

            case LifeCommand.RunStarted started:
                // At most one run at a time: a second process report for a live run is a broken runtime contract.
                if (s.Status is ContainerStatus.Running or ContainerStatus.Paused)
                    return Decided.Only(new Decision.Rejected(ContainerErrorKind.Internal, $"container {id} already has a running process ({s.Pid})"));
                return new([new ContainerStarted(started.Pid, now)], Decision.Go);

            case LifeCommand.JudgeRestart judge:
            {
                if (s.IsRunning) return Decided.Only(Decision.Unchanged); // a run is going on (or already restarting): nothing ended
                var intent = life.Intent;
                var reason = intent.ForHealth && !intent.PolicyCanceled ? "unhealthy" : judge.Policy.AfterExit(judge.ExitCode, life.Restart, intent.PolicyCanceled);
                if (reason == null) return Decided.Only(Decision.Unchanged);
                var delay = NextBackoff(life.LastBackoff, judge.RunLasted);
                return new([new ContainerRestartScheduled(life.Restart.Count + 1, reason, judge.ExitCode, now), new LifeFact.RestartScheduled(delay, reason)], Decision.Go);
            }

            case LifeCommand.Reconcile reconcile:
                if (!life.StartUnconfirmed || s.Status is ContainerStatus.Running or ContainerStatus.Paused) return Decided.Only(Decision.Unchanged);
                // The process (if the shim had started one) died with its shim: SIGKILL, as docker reports it.
                return new([new ContainerDied(reconcile.ShimShutDown ? 137 : 255, now, false, "berthd stopped before it recorded the start")], Decision.Go);

            case LifeCommand.Unhealthy unhealthy:
                if (s.Status != ContainerStatus.Running) return Decided.Only(NotRunning(id));
                return unhealthy.Action switch
                {
                    HealthOnFailure.Restart => new([new LifeFact.StoppingForHealth()], Decision.Go),
                    // Stopped on purpose: unless-stopped keeps it down after a daemon restart too.
                    HealthOnFailure.Stop => new([new LifeFact.PolicyCanceled(), .. StoppedByUser(life, now)], Decision.Go),
                    HealthOnFailure.Kill => Decided.Only(Decision.Go), // the policy judges this death like any other
                    _ => Decided.Only(Decision.Unchanged),
                };

            case LifeCommand.Await wait:
                return wait.For switch
                {
                    WaitFor.Exit when !wait.Next && !s.IsRunning => Decided.Only(new Decision.Answer(new ContainerExited(s.ExitCode))),
                    // Only a live process has an end to wait for (a restarting container has none).
                    WaitFor.Kill or WaitFor.Stop when s.Status is not (ContainerStatus.Running or ContainerStatus.Paused) =>
                        Decided.Only(new Decision.Answer(new ContainerDone())),
                    _ => new([Wait(life, wait.For)], Decision.Go),
                };

            case LifeCommand.RunEnded ended:
                return RunEnded(life, ended, now);

            case LifeCommand.RemovalEnded { Error: { } error }:
                return new([new LifeFact.RemovalFailed(error),
                    .. Answer(life, WaitFor.Remove, new ContainerError(ContainerErrorKind.Internal, $"unable to remove filesystem for {id}: {error}"))], Decision.Go);

            case LifeCommand.RemovalEnded:
            {
                var exited = new ContainerExited(s.ExitCode);
                // Nobody waits on a container that is gone.
                return new([new LifeFact.Removed(), .. Answer(life, WaitFor.Remove, new ContainerDone()), .. Answer(life, WaitFor.Removal, exited),
                    .. Answer(life, WaitFor.Exit, exited), .. Answer(life, WaitFor.Stop, new ContainerDone()), .. Answer(life, WaitFor.Kill, new ContainerDone()),
                    .. Answer(life, WaitFor.ExecExit, new ExecEnded(137))], Decision.Go);
            }

            case LifeCommand.StopDeadline deadline:
                return Decided.Only(deadline.Watch == life.Watch && s.IsRunning ? Decision.Go : Decision.Unchanged);

            case LifeCommand.BeginHealthChecks begin:
            {
                var health = begin.Check == null ? null : begin.Resumed ?? HealthState.Starting;
                return new(begin.Check == null ? [new LifeFact.HealthChecksBegun(null, null)]
                    : [new LifeFact.HealthChecksBegun(begin.Check, health), new LifeFact.ProbeScheduled(begin.Check.Interval)], Decision.Go);
            }

            case LifeCommand.EndHealthChecks:
                return new([new LifeFact.HealthChecksEnded()], Decision.Go);

            case LifeCommand.HealthTick:
                if (life.Check is not { } check) return Decided.Only(Decision.Unchanged);
                return s.Status switch
                {
                    // No probe in a frozen container (dockerd stops its monitor while paused), but checks resume after unpause.
                    ContainerStatus.Paused => new([new LifeFact.ProbeScheduled(check.Interval)], Decision.Go),
                    ContainerStatus.Running => new([new LifeFact.ProbeDue(life.HealthRun, check)], Decision.Go),
                    _ => Decided.Only(Decision.Unchanged),
                };

            case LifeCommand.HealthProbed probed:
                return HealthProbed(life, probed, now);

            case LifeCommand.CreateExec create:
                if (ExecRefusal(life, create.HasShim) is { } cannotCreate) return Decided.Only(Conflict(cannotCreate));
                if (create.Spec.Cmd is not { Count: > 0 }) return Decided.Only(new Decision.Rejected(ContainerErrorKind.Invalid, "No exec command specified"));
                return new([new LifeFact.ExecAdded(ExecRecord.New(create.ExecId, id, create.Spec))], Decision.Go);

            case LifeCommand.PrepareExec prepare:
            {
                if (!life.Execs.TryGetValue(prepare.ExecId, out var exec)) return Decided.Only(NoSuchExec(prepare.ExecId));
                if (exec.StartRefusal is { } refused) return Decided.Only(Conflict(refused));
                if (ExecRefusal(life, prepare.HasShim) is { } refusal) return Decided.Only(Conflict(refusal));
                return Decided.Only(Decision.Go);
            }

            case LifeCommand.ExecPrepared prepared:
                return life.Execs.TryGetValue(prepared.ExecId, out var toPrepare) && toPrepare.Phase == ExecPhase.Created && s.Status == ContainerStatus.Running
                    ? new([new LifeFact.ExecPrepared(prepared.ExecId)], Decision.Go)
                    : Decided.Only(Conflict(NotRunningMessage(id)));

            case LifeCommand.BeginExec begin:
            {
                if (!life.Execs.TryGetValue(begin.ExecId, out var exec)) return Decided.Only(NoSuchExec(begin.ExecId));
                if (exec.Phase != ExecPhase.Prepared || !begin.HasShim) return Decided.Only(Conflict(exec.StartRefusal ?? NotRunningMessage(id)));
                return Decided.Only(Decision.Go);
            }

            case LifeCommand.ExecStarted started:
                return life.Execs.TryGetValue(started.ExecId, out var toStart) && toStart.Phase == ExecPhase.Prepared && s.IsRunning
                    ? new([new LifeFact.ExecStarted(started.ExecId, started.Pid)], Decision.Go)
                    : Decided.Only(Conflict(NotRunningMessage(id)));

            case LifeCommand.ExecExited exited:
            {
                if (!life.Execs.TryGetValue(exited.ExecId, out var exec) || exec.Phase == ExecPhase.Exited) return Decided.Only(Decision.Unchanged);
                return new([new LifeFact.ExecEnded(exited.ExecId, exited.ExitCode, exec.Phase == ExecPhase.Running),
                    .. life.Waiters.Where(w => w.For == WaitFor.ExecExit && w.ExecId == exited.ExecId)
                        .Select(w => new LifeFact.Answered(w.Ticket, new ExecEnded(exited.ExitCode)))], Decision.Go);
            }

            case LifeCommand.AwaitExec wait:
            {
                if (!life.Execs.TryGetValue(wait.ExecId, out var exec)) return Decided.Only(NoSuchExec(wait.ExecId));
                if (exec.Phase == ExecPhase.Exited && exec.ExitCode is { } code) return Decided.Only(new Decision.Answer(new ExecEnded(code)));
                return new([new LifeFact.Waiting(new Waiter(life.NextTicket, WaitFor.ExecExit, wait.ExecId))], Decision.Go);
            }

            case LifeCommand.ResizeExec resize:
            {
                if (!life.Execs.TryGetValue(resize.ExecId, out var exec)) return Decided.Only(NoSuchExec(resize.ExecId));
                return Decided.Only(exec.Phase == ExecPhase.Running && resize.HasShim ? Decision.Go : Conflict($"Exec {resize.ExecId} is not running"));
            }

            case LifeCommand.RestoreExecs restore:
                if (s.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return Decided.Only(Decision.Unchanged);
                return new([.. restore.Execs.Where(e => !life.Execs.ContainsKey(e.Id)).Select(e => new LifeFact.ExecAdded(e, Restored: true))], Decision.Go);

            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "not a container lifecycle command");
        }
    }

    /// <summary>
    /// After a run's end: waiting clients hear the exit (docker wait the code, stop and kill "done"); then the container
    /// is removed (rm -f, AutoRemove), started again (docker restart), or the restart policy judges the exit.
    /// </summary>
    private static Decided RunEnded(ContainerLife life, LifeCommand.RunEnded ended, DateTimeOffset now)
    {
        var died = ended.Died;
        // A start that failed ran for no time: the back-off goes on doubling.
        var runLasted = ended.WasStarted && life.Run.StartedAt is { } began ? died.At - began : TimeSpan.Zero;
        // Anyone still waiting for an exec hears its recorded code, or SIGKILL's 137 for a process that went down with the container.
        List<object> events = [];
        if (!life.Execs.IsEmpty) events.Add(new LifeFact.ExecsDropped([.. life.Execs.Keys]));
        events.AddRange(life.Waiters.Where(w => w.For == WaitFor.ExecExit).Select(w => new LifeFact.Answered(w.Ticket,
            new ExecEnded(w.ExecId != null && life.Execs.TryGetValue(w.ExecId, out var exec) && exec.ExitCode is { } code ? code : 137))));
        events.Add(died);
        events.AddRange(Answer(life, WaitFor.Exit, new ContainerExited(died.ExitCode)));
        if (life.Stopping) events.Add(new LifeFact.StopCompleted());
        events.AddRange(Answer(life, WaitFor.Stop, new ContainerDone()));
        events.AddRange(Answer(life, WaitFor.Kill, new ContainerDone()));
        if (ended.AutoRemove || life.Waiters.Any(w => w.For == WaitFor.Remove)) events.Add(new LifeFact.RemovalDue());
        else if (life.Intent.ThenStart) events.Add(new LifeFact.StartAgain());
        else
        {
            var after = ApplyAll(life, events);
            events.AddRange(Decide(after, new LifeCommand.JudgeRestart(ended.Policy, died.ExitCode, runLasted), now).Events);
        }
        return new(events, Decision.Go);
    }

    /// <summary>
    /// docker's handleProbeResult (<see cref="HealthState.After"/>): a change of status is an event, and turning
    /// unhealthy takes the health-on-failure action (what Docker never shipped, moby 28400). The next probe follows.
    /// </summary>
    private static Decided HealthProbed(ContainerLife life, LifeCommand.HealthProbed probed, DateTimeOffset now)
    {
        var s = life.Run;
        if (probed.HealthRun != life.HealthRun || life.Check is not { } check || life.Health is not { } before) return Decided.Only(Decision.Unchanged);
        // The container froze while this probe ran (its exec fails or hangs): the result says nothing about its health,
        // and the checks must go on after unpause, as from a tick that fell into the pause.
        if (s.Status == ContainerStatus.Paused) return new([new LifeFact.ProbeScheduled(check.Interval)], Decision.Go);
        if (s.Status != ContainerStatus.Running) return Decided.Only(Decision.Unchanged);
        var health = before.After(probed.Result, check, s.StartedAt ?? probed.Result.Start);
        List<object> events = [new LifeFact.HealthProbed(health)];
        if (health.Status != before.Status)
        {
            events.Add(new LifeFact.HealthStatusChanged(health.StatusName));
            if (health.Status == HealthStatus.Unhealthy && probed.OnFailure != HealthOnFailure.None && probed.HasShim)
            {
                events.Add(new LifeFact.HealthOnFailureTaken(probed.OnFailure, health.FailingStreak));
                var after = ApplyAll(life, events);
                var decided = Decide(after, new LifeCommand.Unhealthy(probed.OnFailure), now);
                if (decided.Reply is Decision.Proceed) events.AddRange(decided.Events);
            }
        }
        events.Add(new LifeFact.ProbeScheduled(check.Interval));
        return new(events, Decision.Go);
    }

    /// <summary>Folds one event (a journal record or a <see cref="LifeFact"/>) into the state; events it does not know leave it as it is.</summary>
    public static ContainerLife Apply(ContainerLife life, object @event) => @event switch
    {
        ContainerStartBegun => life with { StartUnconfirmed = true },
        ContainerStarted e => life with { Run = life.Run.Started(e.Pid, e.At), Intent = RunIntent.None, StartUnconfirmed = false },
        // A death makes any pending report of the run's exit stale.
        // No exec outlives its run.
        ContainerDied e => life with
        {
            Run = life.Run.Exited(e.ExitCode, e.At, e.OomKilled, e.Error), StartUnconfirmed = false, Watch = life.Watch + 1, Execs = life.Execs.Clear(),
        },
        ContainerPaused => life with { Run = life.Run with { Status = ContainerStatus.Paused } },
        // Back to running, unless the container died while it was paused.
        ContainerUnpaused => life.Run.Status == ContainerStatus.Paused ? life with { Run = life.Run with { Status = ContainerStatus.Running } } : life,
        // The status "restarting" is not in the journal: a daemon that starts again judges the exited container afresh.
        ContainerRestartScheduled e => life with { Restart = life.Restart with { Count = e.Count } },
        ContainerStoppedByUser => life with { Restart = life.Restart.Stopped() },
        ContainerRestartRecordReset => life with { Restart = life.Restart.UserStarted(), LastBackoff = TimeSpan.Zero },
        LifeFact.PolicyCanceled => life with { Intent = life.Intent with { PolicyCanceled = true } },
        LifeFact.StoppingForHealth => life with { Intent = life.Intent with { ForHealth = true } },
        LifeFact.RestartScheduled e => life with
        {
            Run = life.Run.Restarting(), LastBackoff = e.Delay, Intent = life.Intent with { ForHealth = false, PendingRestartReason = e.Reason },
        },
        LifeFact.RestartAbandoned when life.Run.Status == ContainerStatus.Restarting => life with
        {
            Run = life.Run.RestartAbandoned(), Intent = life.Intent with { PendingRestartReason = null },
        },
        LifeFact.RemovalBegun => life with { Run = life.Run.Removing() },
        LifeFact.RemovalFailed e => life with { Run = life.Run with { Status = ContainerStatus.Dead, Error = e.Error } },
        LifeFact.Removed => life with { Removed = true },
        LifeFact.Waiting e => life with { Waiters = life.Waiters.Add(e.Waiter), NextTicket = Math.Max(life.NextTicket, e.Waiter.Ticket + 1) },
        LifeFact.Answered e => life with { Waiters = life.Waiters.RemoveAll(w => w.Ticket == e.Ticket) },
        LifeFact.Stopping e => life with { Intent = life.Intent with { ThenStart = e.ThenStart } },
        LifeFact.StartAgain or LifeFact.RemovalDue => life with { Intent = life.Intent with { ThenStart = false } },
        LifeFact.Watching => life with { Watch = life.Watch + 1 },
        LifeFact.HealthResumed e => life.Health == null ? life with { Health = e.Health } : life,
        LifeFact.HealthChecksBegun e => life with { Check = e.Check, Health = e.Health, HealthRun = life.HealthRun + 1 },
        LifeFact.HealthChecksEnded => life with { Check = null, HealthRun = life.HealthRun + 1 },
        LifeFact.HealthProbed e => life with { Health = e.Health },
        LifeFact.ExecAdded e => life with { Execs = life.Execs.SetItem(e.Exec.Id, e.Exec) },
        LifeFact.ExecPrepared e => WithExec(life, e.ExecId, x => x with { Phase = ExecPhase.Prepared }),
        LifeFact.ExecStarted e => WithExec(life, e.ExecId, x => x.Started(e.Pid)),
        LifeFact.ExecEnded e => WithExec(life, e.ExecId, x => x.Exited(e.ExitCode)),
        LifeFact.ExecsDropped e => life with { Execs = life.Execs.RemoveRange(e.ExecIds) },
        _ => life,
    };

    /// <summary>What the actor must do once <paramref name="event"/> is stored and applied (besides reporting the new state).</summary>
    public static IReadOnlyList<LifeEffect> EffectsOf(object @event) => @event switch
    {
        LifeFact.RestartScheduled e => [new LifeEffect.ScheduleRestart(e.Delay)],
        LifeFact.RestartAbandoned => [new LifeEffect.CancelRestart()],
        LifeFact.Answered e => [new LifeEffect.Reply(e.Ticket, e.Reply)],
        LifeFact.StopCompleted => [new LifeEffect.Announce("stop")],
        LifeFact.StartAgain => [new LifeEffect.Start()],
        LifeFact.RemovalDue => [new LifeEffect.Remove()],
        LifeFact.ExecAdded { Restored: false } e =>
            [new LifeEffect.RegisterExec(e.Exec.Id), new LifeEffect.AnnounceWith("exec_create: " + e.Exec.CommandLine, [new("execID", e.Exec.Id)])],
        LifeFact.ExecAdded e => e.Exec.Phase == ExecPhase.Running
            ? [new LifeEffect.RegisterExec(e.Exec.Id), new LifeEffect.WatchExec(e.Exec.Id)]
            : [new LifeEffect.RegisterExec(e.Exec.Id)],
        LifeFact.ExecStarted e => [new LifeEffect.WatchExec(e.ExecId)],
        LifeFact.ExecEnded { WasRunning: true } e =>
            [new LifeEffect.AnnounceWith("exec_die", [new("execID", e.ExecId), new("exitCode", e.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))])],
        LifeFact.ExecsDropped e => [new LifeEffect.ForgetExecs(e.ExecIds)],
        LifeFact.HealthChecksBegun or LifeFact.HealthChecksEnded => [new LifeEffect.CancelProbes()],
        LifeFact.ProbeScheduled e => [new LifeEffect.ScheduleProbe(e.After)],
        LifeFact.ProbeDue e => [new LifeEffect.RunProbe(e.HealthRun, e.Check)],
        LifeFact.HealthProbed e => [new LifeEffect.SaveHealth(e.Health)],
        LifeFact.HealthStatusChanged e => [new LifeEffect.Announce("health_status: " + e.Status)],
        LifeFact.HealthOnFailureTaken e =>
        [
            new LifeEffect.AnnounceWith("health_on_failure: " + e.Action.ToString().ToLowerInvariant(),
                [new("berth.reason", "unhealthy"), new("failingStreak", e.FailingStreak.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
            // Kill: the restart policy, if any, judges this death like any other. Restart and stop: docker stop's signals.
            new LifeEffect.SignalRun(Kill: e.Action == HealthOnFailure.Kill),
        ],
        _ => [],
    };

    public static ContainerLife ApplyAll(ContainerLife life, IEnumerable<object> events) => events.Aggregate(life, Apply);

    /// <summary>
    /// docker's restart back-off (moby's restartmanager): 100 ms before the first restart, twice the previous delay
    /// before each further one, at most a minute, and back to 100 ms after a run that lasted 10 s.
    /// </summary>
    public static TimeSpan NextBackoff(TimeSpan last, TimeSpan runLasted) =>
        last == TimeSpan.Zero || runLasted >= RestartPolicy.ResetAfter
            ? RestartPolicy.MinBackoff
            : TimeSpan.FromTicks(Math.Min(last.Ticks * 2, RestartPolicy.MaxBackoff.Ticks));

    /// <summary>docker stop/restart: the policy is off for this run, and unless-stopped remembers it.</summary>
    private static List<object> UserStopped(ContainerLife life, DateTimeOffset now) => [new LifeFact.PolicyCanceled(), .. StoppedByUser(life, now)];

    private static IEnumerable<object> StoppedByUser(ContainerLife life, DateTimeOffset now) =>
        life.Restart.StoppedByUser ? [] : [new ContainerStoppedByUser(now)];

    private static LifeFact.Waiting Wait(ContainerLife life, WaitFor kind) => new(new Waiter(life.NextTicket, kind));

    /// <summary>Every client waiting for <paramref name="kind"/> hears <paramref name="reply"/>.</summary>
    private static IEnumerable<object> Answer(ContainerLife life, WaitFor kind, object reply) =>
        life.Waiters.Where(w => w.For == kind).Select(w => new LifeFact.Answered(w.Ticket, reply));

    private static ContainerLife WithExec(ContainerLife life, string execId, Func<ExecRecord, ExecRecord> change) =>
        life.Execs.TryGetValue(execId, out var exec) ? life with { Execs = life.Execs.SetItem(execId, change(exec)) } : life;

    /// <summary>docker's refusal for a container that cannot run an exec now, or null.</summary>
    private static string? ExecRefusal(ContainerLife life, bool hasShim) => life.Run.Status switch
    {
        ContainerStatus.Paused => $"Container {life.Id} is paused, unpause the container before exec",
        ContainerStatus.Restarting => $"Container {life.Id} is restarting, wait until the container is running",
        ContainerStatus.Running when hasShim => null,
        _ => NotRunningMessage(life.Id),
    };

    private static Decision.Rejected NoSuchExec(string execId) => new(ContainerErrorKind.NotFound, $"No such exec instance: {execId}");

    private static string NotRunningMessage(string id) => $"Container {id} is not running";

    private static Decision.Rejected Conflict(string message) => new(ContainerErrorKind.Conflict, message);

    private static Decision.Rejected NotRunning(string id) => Conflict($"Container {id} is not running");

    private static Decision.Rejected Restarting(string id) => Conflict($"Container {id} is restarting, wait until the container is running");
}
