using Akka.Actor;
using Akka.Pattern;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// Restart policies. Every run of a container with a policy (or with health-on-failure=restart) holds a "run slot",
/// a child of a <see cref="BackoffSupervisor"/>. When the run ends and <see cref="RestartPolicy"/> says "again", the slot
/// is stopped; the supervisor opens the next slot after docker's doubling back-off (reset after a 10 s run), and the
/// next slot opening is what starts the container again. Between runs the container is "restarting".
/// </summary>
public sealed partial class ContainerActor
{
    private RestartRecord _restart = RestartRecord.Fresh;
    private bool _restartCanceled;          // this run was stopped or killed by the user (or by health-on-failure=stop)
    private bool _restartForHealth;         // this run is being stopped because it became unhealthy (health-on-failure=restart)
    private string? _pendingRestartReason;  // set while "restarting": why the next run starts
    private IActorRef? _restartSupervisor;
    private IActorRef? _runSlot;
    private bool _firstSlotIsForDeadRun;    // the supervisor was made after a run already ended (a failed first start, a crash seen at reconnect)
    private int _supervisors;

    private RestartPolicy Policy => RestartPolicy.From(Def.HostConfig.RestartPolicy);

    private bool NeedsRunSlots => !Policy.IsNone || HealthOnFailureLabel.Of(Def.Config) == HealthOnFailure.Restart;

    /// <summary>Called once from the constructor: the journal entries and messages of restart policies and health checks.</summary>
    private void SetUpSelfHealing()
    {
        Recover<ContainerRestartingEvent>(e => _restart = _restart with { Count = e.Count });
        Recover<ContainerStoppedByUserEvent>(_ => _restart = _restart.Stopped());
        Recover<ContainerRestartRecordReset>(_ => _restart = _restart.UserStarted());
        CommandAsync<RunSlotOpened>(OnRunSlot);
        SetUpHealth();
    }

    /// <summary>Start() is about to start a run: a start that is not the policy's own begins a new restart count (docker start/restart).</summary>
    private void BeforeStart()
    {
        if (_pendingRestartReason != null || _restart == RestartRecord.Fresh) return;
        Persist(new ContainerRestartRecordReset(DateTimeOffset.UtcNow), _ => _restart = _restart.UserStarted());
    }

    /// <summary>A run began (or was found running after a daemon restart): it gets a run slot and health checks.</summary>
    private void OnRunStarted(bool restored = false)
    {
        _restartCanceled = false;
        _restartForHealth = false;
        if (_pendingRestartReason is { } reason && !restored)
            Record("restart", ("berth.restart-reason", reason), ("restartCount", _restart.Count.ToString()));
        _pendingRestartReason = null;
        if (NeedsRunSlots) EnsureRestartSupervisor();
        else StopRestartSupervisor();
        StartHealthChecks();
    }

    /// <summary>Called by AfterDeath when neither removal nor docker restart takes over: the policy decides.</summary>
    private void AfterExitPolicy(ContainerDiedEvent died)
    {
        StopHealthChecks();
        var reason = _restartForHealth && !_restartCanceled ? "unhealthy" : Policy.AfterExit(died.ExitCode, _restart, _restartCanceled);
        _restartForHealth = false;
        if (reason == null)
        {
            StopRestartSupervisor();
            return;
        }
        Persist(new ContainerRestartingEvent(_restart.Count + 1, reason, died.ExitCode, DateTimeOffset.UtcNow), e =>
        {
            _restart = _restart with { Count = e.Count };
            _state = _state.Restarting();
            _pendingRestartReason = e.Reason;
            Report();
            if (_restartSupervisor == null)
            {
                EnsureRestartSupervisor();
                _firstSlotIsForDeadRun = true;
            }
            else if (_runSlot != null)
            {
                // The slot of the run that ended closes; the supervisor opens the next one after the back-off.
                _runSlot.Tell(PoisonPill.Instance);
                _runSlot = null;
            }
            else _firstSlotIsForDeadRun = true; // its slot has not reported yet
        });
    }

    private async Task OnRunSlot(RunSlotOpened opened)
    {
        if (_restartSupervisor == null || !opened.Slot.Path.Parent.Equals(_restartSupervisor.Path)) return; // from an abandoned supervisor
        if (_firstSlotIsForDeadRun)
        {
            _firstSlotIsForDeadRun = false;
            opened.Slot.Tell(PoisonPill.Instance);
            return;
        }
        _runSlot = opened.Slot;
        if (_state.Status != ContainerStatus.Restarting) return; // the slot of the run that is going on
        _state = _state.RestartAbandoned(); // Start() judges an exited container
        await Start();
    }

    private void EnsureRestartSupervisor()
    {
        if (_restartSupervisor != null) return;
        var options = Backoff.OnStop(RunSlot.Props(Self), "run", RestartPolicy.MinBackoff, RestartPolicy.MaxBackoff, 0)
            .WithAutoReset(RestartPolicy.ResetAfter);
        _restartSupervisor = Context.ActorOf(BackoffSupervisor.Props(options), $"restart-policy-{++_supervisors}");
        _runSlot = null;
        _firstSlotIsForDeadRun = false;
    }

    private void StopRestartSupervisor()
    {
        if (_restartSupervisor != null) Context.Stop(_restartSupervisor);
        _restartSupervisor = null;
        _runSlot = null;
        _firstSlotIsForDeadRun = false;
    }

    /// <summary>docker stop/restart: the policy is off for this run and unless-stopped remembers it. True when that is all there was to do.</summary>
    private bool UserStopping(IActorRef sender, bool restart)
    {
        _restartCanceled = true;
        RememberStoppedByUser();
        if (!AbandonRestart()) return false;
        if (restart) return false; // docker restart of a restarting container: the caller starts it now
        Record("stop");
        sender.Tell(new ContainerDone());
        return true;
    }

    /// <summary>docker kill: SIGKILL or the stop signal cancel the policy for this run (like docker's ExitOnNext). True when handled.</summary>
    private bool UserKilling(int signal, IActorRef sender)
    {
        var stopSignal = Berth.Runtime.Containers.Signals.Parse(Def.Config.StopSignal ?? "SIGTERM");
        if (signal == 9 || signal == stopSignal) _restartCanceled = true;
        RememberStoppedByUser();
        if (!AbandonRestart()) return false;
        sender.Tell(new ContainerDone());
        return true;
    }

    private void RememberStoppedByUser()
    {
        if (_restart.StoppedByUser) return;
        Persist(new ContainerStoppedByUserEvent(DateTimeOffset.UtcNow), _ => _restart = _restart.Stopped());
    }

    /// <summary>A restarting container is between runs: the pending restart is dropped and it is exited. True if it was restarting.</summary>
    private bool AbandonRestart()
    {
        if (_state.Status != ContainerStatus.Restarting) return false;
        StopRestartSupervisor();
        _pendingRestartReason = null;
        _state = _state.RestartAbandoned();
        Report();
        return true;
    }

    /// <summary>After the daemon (re)started and reconnected: a live run gets its slot back; a stopped container may start with the daemon.</summary>
    private void AfterReconnect()
    {
        if (_shim != null && _state.Status == ContainerStatus.Running) OnRunStarted(restored: true);
        else if (!_state.IsRunning && _state.Status == ContainerStatus.Exited
                 && Policy.StartsWithDaemon(_state.ExitCode, _restart, _state.StartedAt != null))
            Self.Tell(new StartContainer(_state.Id), ActorRefs.Nobody);
    }

    private int RestartCount => _restart.Count;

    /// <summary>Sent by a run slot when it opens.</summary>
    private sealed record RunSlotOpened(IActorRef Slot);

    /// <summary>One run's place under the back-off supervisor: it only announces itself; its stop is the back-off's trigger.</summary>
    private sealed class RunSlot : ReceiveActor
    {
        private readonly IActorRef _container;

        public RunSlot(IActorRef container)
        {
            _container = container;
            ReceiveAny(_ => { }); // start replies (ContainerDone/ContainerError) come here; the container acts on its own state
        }

        public static Props Props(IActorRef container) => Akka.Actor.Props.Create(() => new RunSlot(container));

        protected override void PreStart() => _container.Tell(new RunSlotOpened(Self));
    }
}
