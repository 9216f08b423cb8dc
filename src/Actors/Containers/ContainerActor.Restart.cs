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
    /// <param name="client">Who made the request: a waiter among the events waits under its ticket for this client.</param>
    /// <param name="first">Runs once the records are stored, before the events are applied.</param>
    private void Enact(IReadOnlyList<object> events, Action? then = null, IActorRef? client = null, Action? first = null)
    {
        if (client != null)
            foreach (var waiting in events.OfType<LifeFact.Waiting>()) _clients[waiting.Waiter.Ticket] = client;
        var journaled = events.Where(e => e is not LifeFact).ToList();
        if (journaled.Count == 0)
        {
            ApplyAndPerform(events, first, then);
            return;
        }
        // Counted, not compared by reference: the handler may get a copy of the event (a journal that serializes on
        // the way back, or serialize-messages in the specs), and handlers run in the order of the writes.
        var pending = journaled.Count;
        foreach (var record in journaled)
            Persist(record, _ =>
            {
                if (--pending > 0) return;
                ApplyAndPerform(events, first, then);
            });
    }

    /// <summary>Clients hear their answers last, once the containers actor has the new view (a docker ps right after sees it).</summary>
    private void ApplyAndPerform(IReadOnlyList<object> events, Action? first, Action? then)
    {
        first?.Invoke();
        var replies = new List<LifeEffect.Reply>();
        foreach (var e in events)
        {
            _life = ContainerAggregate.Apply(_life, e);
            foreach (var effect in ContainerAggregate.EffectsOf(e))
                switch (effect)
                {
                    case LifeEffect.ScheduleRestart r: Timers.StartSingleTimer(RestartTimer, BackoffElapsed.Instance, r.Delay); break;
                    case LifeEffect.CancelRestart: Timers.Cancel(RestartTimer); break;
                    case LifeEffect.Reply r: replies.Add(r); break;
                    case LifeEffect.Announce a: Record(a.Action); break;
                    case LifeEffect.Start: Self.Tell(new StartContainer(_state.Id), ActorRefs.Nobody); break;
                    case LifeEffect.Remove: Self.Tell(RemoveAfterExit.Instance); break;
                    case LifeEffect.AnnounceWith a: Record(a.Action, [.. a.Attributes.Select(kv => (kv.Key, kv.Value))]); break;
                    default:
                        if (!PerformHealth(effect)) PerformExec(effect);
                        break;
                }
        }
        if (events.Any(e => e is LifeFact.RestartScheduled or LifeFact.RestartAbandoned)) Report();
        then?.Invoke();
        foreach (var r in replies)
            if (_clients.Remove(r.Ticket, out var client)) client.Tell(r.Message);
    }

    /// <summary>A run began (or was found running after a daemon restart): it gets health checks; a restart by the policy is an event.</summary>
    private void OnRunStarted(string? restartReason)
    {
        if (restartReason != null)
            Record("restart", ("berth.restart-reason", restartReason), ("restartCount", _life.Restart.Count.ToString()));
        StartHealthChecks();
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
