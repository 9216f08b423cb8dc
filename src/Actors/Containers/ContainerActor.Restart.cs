using Akka.Actor;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// Restart policies: <see cref="ContainerAggregate"/> decides whether a run that ended starts again and after which
/// back-off; the actor only keeps the timer, whose expiry comes back as the policy's start.
/// </summary>
public sealed partial class ContainerActor : IWithTimers
{
    private const string RestartTimer = "restart-policy";

    public ITimerScheduler Timers { get; set; } = null!;

    private RestartPolicy Policy => Def.Spec.Restart;

    /// <summary>Called once from the constructor: the journal entries and messages of restart policies and health checks.</summary>
    private void SetUpSelfHealing()
    {
        Recover<ContainerRestartScheduled>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerStoppedByUser>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerRestartRecordReset>(e => _life = ContainerAggregate.Apply(_life, e));
        CommandAsync<BackoffElapsed>(_ => _state.Status == ContainerStatus.Restarting ? Start(byPolicy: true) : Task.CompletedTask);
        SetUpHealth();
    }

    /// <summary>
    /// Persists the journal records among a decision's events, then applies them all in order, performs their effects
    /// and runs <paramref name="then"/>. Commands wait meanwhile (Persist stashes them), so none sees half a decision.
    /// </summary>
    private void Enact(IReadOnlyList<object> events, Action? then = null)
    {
        var journaled = events.Where(e => e is not LifeFact).ToList();
        if (journaled.Count == 0)
        {
            ApplyAndPerform(events);
            then?.Invoke();
            return;
        }
        var last = journaled[^1];
        foreach (var record in journaled)
            Persist(record, stored =>
            {
                if (!ReferenceEquals(stored, last)) return;
                ApplyAndPerform(events);
                then?.Invoke();
            });
    }

    private void ApplyAndPerform(IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            _life = ContainerAggregate.Apply(_life, e);
            foreach (var effect in ContainerAggregate.EffectsOf(e))
                switch (effect)
                {
                    case LifeEffect.ScheduleRestart r: Timers.StartSingleTimer(RestartTimer, BackoffElapsed.Instance, r.Delay); break;
                    case LifeEffect.CancelRestart: Timers.Cancel(RestartTimer); break;
                }
        }
        if (events.Any(e => e is LifeFact.RestartScheduled or LifeFact.RestartAbandoned)) Report();
    }

    /// <summary>A run began (or was found running after a daemon restart): it gets health checks; a restart by the policy is an event.</summary>
    private void OnRunStarted(string? restartReason)
    {
        if (restartReason != null)
            Record("restart", ("berth.restart-reason", restartReason), ("restartCount", _life.Restart.Count.ToString()));
        StartHealthChecks();
    }

    /// <summary>Called by AfterDeath when neither removal nor docker restart takes over: the policy decides.</summary>
    private void AfterExitPolicy(ContainerDied died, TimeSpan runLasted)
    {
        StopHealthChecks();
        Enact(ContainerAggregate.Decide(_life, new LifeCommand.JudgeRestart(Policy, died.ExitCode, runLasted), DateTimeOffset.UtcNow).Events);
    }

    /// <summary>After the daemon (re)started and reconnected: a live run gets its health checks back; a stopped container may start with the daemon.</summary>
    private void AfterReconnect()
    {
        if (_shim != null && _state.Status == ContainerStatus.Running) OnRunStarted(restartReason: null);
        else if (!_state.IsRunning && _state.Status == ContainerStatus.Exited
                 && Policy.StartsWithDaemon(_state.ExitCode, _life.Restart, _state.StartedAt != null))
            Self.Tell(new StartContainer(_state.Id), ActorRefs.Nobody);
    }

    private int RestartCount => _life.Restart.Count;

    /// <summary>The restart policy's back-off is over: the policy starts the container.</summary>
    private sealed record BackoffElapsed
    {
        public static readonly BackoffElapsed Instance = new();
    }
}
