using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>What the lifecycle answers to one request: the reply part of <see cref="ContainerAggregate.Decide"/>.</summary>
public abstract record Decision
{
    /// <summary>Go ahead: the actor carries the request out at the runtime.</summary>
    public sealed record Proceed : Decision;

    /// <summary>Nothing to do: docker answers 304.</summary>
    public sealed record NotModified : Decision;

    /// <summary>The decision's events were all there was to do (a stop of a container that was only waiting to restart).</summary>
    public sealed record Completed : Decision;

    /// <summary>Refused with docker's message; a refusal never comes with events.</summary>
    public sealed record Rejected(ContainerErrorKind Kind, string Message) : Decision;

    /// <summary>Answered at once (a wait for a container that is not running): the actor sends <see cref="Reply"/>.</summary>
    public sealed record Answer(object Reply) : Decision;

    public static readonly Decision Go = new Proceed();
    public static readonly Decision Unchanged = new NotModified();
    public static readonly Decision Done = new Completed();
}

/// <summary>A request or a report from the runtime side that <see cref="ContainerAggregate.Decide"/> judges.</summary>
public abstract record LifeCommand
{
    /// <summary>docker start (ByPolicy false: also docker restart and a start with the daemon), or the restart policy's start after its back-off.</summary>
    public sealed record Start(bool ByPolicy) : LifeCommand;

    /// <summary>docker stop, or docker restart (ThenStart).</summary>
    public sealed record Stop(bool ThenStart) : LifeCommand;

    /// <summary>docker kill; <see cref="CancelsPolicy"/> for SIGKILL and the stop signal (docker's ExitOnNext). Ref is the name the client used.</summary>
    public sealed record Kill(string Ref, bool CancelsPolicy) : LifeCommand;

    public sealed record Remove(bool Force) : LifeCommand;

    public sealed record Pause : LifeCommand;

    public sealed record Unpause : LifeCommand;

    /// <summary>top and stats: they look at the processes of a running (or paused) container only.</summary>
    public sealed record Observe : LifeCommand;

    /// <summary>The runtime reports a run's process up.</summary>
    public sealed record RunStarted(int Pid) : LifeCommand;

    /// <summary>
    /// A run ended (its death is applied) and neither a removal nor docker restart takes over: the policy decides.
    /// <see cref="RunLasted"/> is zero for a start that failed.
    /// </summary>
    public sealed record JudgeRestart(RestartPolicy Policy, int ExitCode, TimeSpan RunLasted) : LifeCommand;

    /// <summary>
    /// The daemon started and found the container as the journal left it; a shim still serving it was shut down
    /// (<see cref="ShimShutDown"/>). A start that was intended but never recorded ends now.
    /// </summary>
    public sealed record Reconcile(bool ShimShutDown) : LifeCommand;

    /// <summary>The health checks found the run unhealthy; the container's label says what to do.</summary>
    public sealed record Unhealthy(HealthOnFailure Action) : LifeCommand;

    /// <summary>
    /// A client waits: docker wait (<see cref="WaitFor.Exit"/>, <see cref="Next"/> for next-exit; <see cref="WaitFor.Removal"/>),
    /// or docker kill -s KILL once its signal went out (<see cref="WaitFor.Kill"/>).
    /// </summary>
    public sealed record Await(WaitFor For, bool Next = false) : LifeCommand;

    /// <summary>
    /// The run ended (<see cref="Died"/>, a start that failed included: not <see cref="WasStarted"/>); the waiters hear
    /// it, then a removal, docker restart's start or the restart policy takes over.
    /// </summary>
    public sealed record RunEnded(ContainerDied Died, bool WasStarted, RestartPolicy Policy, bool AutoRemove) : LifeCommand;

    /// <summary>The actor deleted the container's files (<see cref="Error"/> null), or could not.</summary>
    public sealed record RemovalEnded(string? Error) : LifeCommand;

    /// <summary>docker stop's timeout ran out for the run watched as <see cref="Watch"/>.</summary>
    public sealed record StopDeadline(int Watch) : LifeCommand;

    /// <summary>
    /// A run began (or was found running after a daemon restart): its health checks begin with <see cref="Check"/> (null:
    /// none configured), from <see cref="Resumed"/> for a run found alive whose health was saved.
    /// </summary>
    public sealed record BeginHealthChecks(HealthCheck? Check, HealthState? Resumed) : LifeCommand;

    /// <summary>The run ended: no more probes; inspect goes on showing its last health.</summary>
    public sealed record EndHealthChecks : LifeCommand;

    /// <summary>A probe interval passed.</summary>
    public sealed record HealthTick : LifeCommand;

    /// <summary>
    /// The probe of health run <see cref="HealthRun"/> came back. <see cref="OnFailure"/> is the container's
    /// health-on-failure label; <see cref="HasShim"/> whether the run can be signalled.
    /// </summary>
    public sealed record HealthProbed(int HealthRun, HealthProbeResult Result, HealthOnFailure OnFailure, bool HasShim) : LifeCommand;

    /// <summary>docker exec create, with the new exec's id; <see cref="HasShim"/>: the run's shim is there to run it.</summary>
    public sealed record CreateExec(string ExecId, ExecSpec Spec, bool HasShim) : LifeCommand;

    /// <summary>docker exec start, first half: the shim gets the process and its stdio.</summary>
    public sealed record PrepareExec(string ExecId, bool HasShim) : LifeCommand;

    /// <summary>The shim has the exec's process: it may start.</summary>
    public sealed record ExecPrepared(string ExecId) : LifeCommand;

    /// <summary>docker exec start, second half: the prepared process runs.</summary>
    public sealed record BeginExec(string ExecId, bool HasShim) : LifeCommand;

    /// <summary>The runtime reports the exec's process up.</summary>
    public sealed record ExecStarted(string ExecId, int Pid) : LifeCommand;

    /// <summary>The exec's process ended with <see cref="ExitCode"/> (or never started: 126, 127).</summary>
    public sealed record ExecExited(string ExecId, int ExitCode) : LifeCommand;

    /// <summary>A client waits for the exec's exit code.</summary>
    public sealed record AwaitExec(string ExecId) : LifeCommand;

    /// <summary>docker exec resize: only a running exec has a terminal to resize.</summary>
    public sealed record ResizeExec(string ExecId, bool HasShim) : LifeCommand;

    /// <summary>Live restore: the execs the shim of a run found alive still knows.</summary>
    public sealed record RestoreExecs(IReadOnlyList<ExecRecord> Execs) : LifeCommand;
}

/// <summary>What a waiting client hears about.</summary>
public enum WaitFor
{
    /// <summary>docker wait: the exit code of the run's end.</summary>
    Exit,

    /// <summary>docker wait removed: the exit code once the container is gone.</summary>
    Removal,

    /// <summary>docker stop and restart: done once the run ended.</summary>
    Stop,

    /// <summary>docker kill with SIGKILL: done once the container is not running, as dockerd's Kill answers.</summary>
    Kill,

    /// <summary>docker rm: done once the container is gone (after its run, for rm -f of a running one).</summary>
    Remove,

    /// <summary>An exec's start with its output attached: the exec's exit code.</summary>
    ExecExit,
}

/// <summary>A client waiting for <see cref="For"/>; the actor keeps who it is under <see cref="Ticket"/>.</summary>
/// <param name="ExecId">For <see cref="WaitFor.ExecExit"/>: the exec waited for.</param>
public sealed record Waiter(long Ticket, WaitFor For, string? ExecId = null);
