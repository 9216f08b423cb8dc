namespace Berth.Actors.Containers;

/// <summary>In-memory facts of a container's life: applied like journal events, never persisted (a daemon restart begins anew).</summary>
public abstract record LifeFact
{
    /// <summary>A stop, kill or health-on-failure=stop: this run's end does not restart it.</summary>
    public sealed record PolicyCanceled : LifeFact;

    /// <summary>health-on-failure=restart: this run is being stopped to be started again.</summary>
    public sealed record StoppingForHealth : LifeFact;

    /// <summary>The policy starts the container again after <see cref="Delay"/>: it shows "restarting" meanwhile.</summary>
    public sealed record RestartScheduled(TimeSpan Delay, string Reason) : LifeFact;

    /// <summary>A pending restart was dropped (docker stop, kill or rm -f while restarting): it is exited again.</summary>
    public sealed record RestartAbandoned : LifeFact;

    /// <summary>The actor began deleting the container's files.</summary>
    public sealed record RemovalBegun : LifeFact;

    /// <summary>Its files could not be deleted: docker shows such a container "dead".</summary>
    public sealed record RemovalFailed(string Error) : LifeFact;

    /// <summary>The container is gone: it accepts nothing any more.</summary>
    public sealed record Removed : LifeFact;

    /// <summary>A client waits (see <see cref="Waiter"/>).</summary>
    public sealed record Waiting(Waiter Waiter) : LifeFact;

    /// <summary>The waiter with <see cref="Ticket"/> hears <see cref="Reply"/> and waits no more.</summary>
    public sealed record Answered(long Ticket, object Reply) : LifeFact;

    /// <summary>docker stop (<see cref="ThenStart"/>: docker restart) signalled the run.</summary>
    public sealed record Stopping(bool ThenStart) : LifeFact;

    /// <summary>A stop's run ended: docker's "stop" event.</summary>
    public sealed record StopCompleted : LifeFact;

    /// <summary>docker restart's run ended: the container starts again.</summary>
    public sealed record StartAgain : LifeFact;

    /// <summary>The run of a container to be removed (rm -f, AutoRemove) ended: its files go now.</summary>
    public sealed record RemovalDue : LifeFact;

    /// <summary>The actor watches a new run's exit: reports of an earlier watch are stale.</summary>
    public sealed record Watching : LifeFact;

    /// <summary>The health a daemon start found saved for the run it recovered (inspect shows it before the reconnect).</summary>
    public sealed record HealthResumed(HealthState? Health) : LifeFact;

    /// <summary>A run's health checks begin (a new health run: results of earlier ones are ignored).</summary>
    public sealed record HealthChecksBegun(HealthCheck? Check, HealthState? Health) : LifeFact;

    /// <summary>The run's health checks are over.</summary>
    public sealed record HealthChecksEnded : LifeFact;

    /// <summary>The next probe runs after <see cref="After"/>.</summary>
    public sealed record ProbeScheduled(TimeSpan After) : LifeFact;

    /// <summary>A probe of health run <see cref="HealthRun"/> runs now.</summary>
    public sealed record ProbeDue(int HealthRun, HealthCheck Check) : LifeFact;

    /// <summary>A probe's result folded in: the run's health is now <see cref="Health"/>.</summary>
    public sealed record HealthProbed(HealthState Health) : LifeFact;

    /// <summary>The health status changed: docker's "health_status: …" event.</summary>
    public sealed record HealthStatusChanged(string Status) : LifeFact;

    /// <summary>The health-on-failure action is taken on an unhealthy run after <see cref="FailingStreak"/> failures.</summary>
    public sealed record HealthOnFailureTaken(HealthOnFailure Action, int FailingStreak) : LifeFact;

    /// <summary>An exec was created (<see cref="Restored"/>: found in the shim of a run found alive).</summary>
    public sealed record ExecAdded(ExecRecord Exec, bool Restored = false) : LifeFact;

    /// <summary>The exec's process is in the shim, ready to start.</summary>
    public sealed record ExecPrepared(string ExecId) : LifeFact;

    /// <summary>The exec's process runs.</summary>
    public sealed record ExecStarted(string ExecId, int Pid) : LifeFact;

    /// <summary>The exec ended (<see cref="WasRunning"/>: its process had run: docker's "exec_die").</summary>
    public sealed record ExecEnded(string ExecId, int ExitCode, bool WasRunning) : LifeFact;

    /// <summary>
    /// The run ended: its execs are dropped, as dockerd's cleanup unregisters a stopped container's exec configs, so
    /// inspecting one is a 404 from now on.
    /// </summary>
    public sealed record ExecsDropped(IReadOnlyList<string> ExecIds) : LifeFact;
}

/// <summary>Work an applied event asks of the actor at the runtime side.</summary>
public abstract record LifeEffect
{
    /// <summary>Start the container again (a <see cref="LifeCommand.Start"/> by the policy) after the back-off.</summary>
    public sealed record ScheduleRestart(TimeSpan Delay) : LifeEffect;

    /// <summary>The pending restart is off.</summary>
    public sealed record CancelRestart : LifeEffect;

    /// <summary>Send <see cref="Reply"/> to the client waiting under <see cref="Ticket"/>.</summary>
    public sealed record Reply(long Ticket, object Message) : LifeEffect;

    /// <summary>Record docker's event <see cref="Action"/>.</summary>
    public sealed record Announce(string Action) : LifeEffect;

    /// <summary>Start the container (docker restart's second half).</summary>
    public sealed record Start : LifeEffect;

    /// <summary>Delete the container's files.</summary>
    public sealed record Remove : LifeEffect;

    /// <summary>Record docker's event <see cref="Action"/> with <see cref="Attributes"/>.</summary>
    public sealed record AnnounceWith(string Action, IReadOnlyList<KeyValuePair<string, string>> Attributes) : LifeEffect;

    /// <summary>A health tick after <see cref="After"/>.</summary>
    public sealed record ScheduleProbe(TimeSpan After) : LifeEffect;

    /// <summary>No more health ticks.</summary>
    public sealed record CancelProbes : LifeEffect;

    /// <summary>Run <see cref="Check"/>'s probe in the container; its result comes back for health run <see cref="HealthRun"/>.</summary>
    public sealed record RunProbe(int HealthRun, HealthCheck Check) : LifeEffect;

    /// <summary>Keep the run's health (its file, and the containers actor's view).</summary>
    public sealed record SaveHealth(HealthState Health) : LifeEffect;

    /// <summary>Signal the run for its health: SIGKILL (<see cref="Kill"/>), or docker stop's signal and SIGKILL after the stop timeout.</summary>
    public sealed record SignalRun(bool Kill) : LifeEffect;

    /// <summary>The exec's id routes to this container from now on.</summary>
    public sealed record RegisterExec(string ExecId) : LifeEffect;

    /// <summary>Watch the running exec's exit.</summary>
    public sealed record WatchExec(string ExecId) : LifeEffect;

    /// <summary>The execs are gone: their spec files go and their ids route nowhere.</summary>
    public sealed record ForgetExecs(IReadOnlyList<string> ExecIds) : LifeEffect;
}
