using Akka.Actor;
using Akka.Event;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// Health checks: <see cref="ContainerAggregate"/> keeps the run's health and decides when a probe runs, what its
/// result changes and what an unhealthy run leads to; this part runs the probes (<see cref="HealthProbe"/>), keeps the
/// probe timer and the health file, and signals the run for health-on-failure.
/// </summary>
public sealed partial class ContainerActor
{
    private const string ProbeTimer = "health-probe";

    private void SetUpHealth()
    {
        Command<HealthTick>(_ => Enact(Decide(new LifeCommand.HealthTick()).Events));
        Command<HealthProbed>(p =>
            Enact(Decide(new LifeCommand.HealthProbed(p.Run, p.Result, HealthOnFailureLabel.Of(Def.Spec), _shim != null)).Events));
        CommandAsync<SignalForHealth>(SignalForHealthNow);
    }

    /// <summary>A run began (or was found alive): a run found after a daemon restart carries on where its health was (see HealthFile); a new run starts over.</summary>
    private void StartHealthChecks()
    {
        var check = HealthCheck.Of(Def.Spec);
        Enact(Decide(new LifeCommand.BeginHealthChecks(check, check == null ? null : HealthFile.Resume(Paths.Dir, _state.StartedAt))).Events);
    }

    private void StopHealthChecks() => Enact(Decide(new LifeCommand.EndHealthChecks()).Events);

    /// <summary>
    /// Once per daemon start, before any run started here: the last run's health from its file. An inspect that comes
    /// right after a restart (before the shim is reconnected) shows it, and so does a stopped container's, as with dockerd.
    /// </summary>
    private void ResumeHealth()
    {
        if (_def != null && HealthCheck.Of(_def.Spec) != null) Enact([new LifeFact.HealthResumed(HealthFile.Resume(Paths.Dir, _state.StartedAt))]);
    }

    /// <summary>Performs the health effects of an applied event; false for an effect that is not about health.</summary>
    private bool PerformHealth(LifeEffect effect)
    {
        switch (effect)
        {
            case LifeEffect.ScheduleProbe p: Timers.StartSingleTimer(ProbeTimer, HealthTick.Instance, p.After); return true;
            case LifeEffect.CancelProbes: Timers.Cancel(ProbeTimer); return true;
            case LifeEffect.RunProbe p:
                var run = p.HealthRun;
                HealthProbe.RunAsync(Paths, p.Check).PipeTo(Self, success: r => new HealthProbed(run, r),
                    failure: e => new HealthProbed(run, new HealthProbeResult(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, -1, e.Message)));
                return true;
            case LifeEffect.SaveHealth h:
                SaveHealth(h.Health);
                Report();
                return true;
            case LifeEffect.SignalRun s: Self.Tell(new SignalForHealth(s.Kill, _life.Watch)); return true;
            default: return false;
        }
    }

    private void SaveHealth(HealthState health)
    {
        try { HealthFile.Save(Paths.Dir, _state.StartedAt ?? DateTimeOffset.MinValue, health); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("container {0}: cannot save its health to {1}: {2}", _state.Id, HealthFile.PathOf(Paths.Dir), e.Message);
        }
    }

    /// <summary>SIGKILL, or the stop signal then SIGKILL after the stop timeout like docker stop (without a caller to answer).</summary>
    private async Task SignalForHealthNow(SignalForHealth s)
    {
        if (s.Watch != _life.Watch) return; // that run is over
        if (s.Kill)
        {
            await SignalOrLog(9);
            return;
        }
        var signal = Berth.Runtime.Containers.Signals.Parse(Def.Spec.StopSignal ?? "SIGTERM");
        var seconds = Def.StopSeconds(null);
        await SignalOrLog(signal); // a run that ends just now answers with its exit instead
        if (seconds >= 0)
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(seconds), Self, new StopDeadline(_life.Watch), Self);
    }

    private HealthView? CurrentHealth() =>
        _life.Health is not { } health ? null
            : new HealthView(health.StatusName, health.FailingStreak, health.Log.Select(l => new HealthLogView(l.Start, l.End, l.ExitCode, l.Output)).ToList());

    /// <summary>A probe interval passed (an Akka timer, so a tick of checks that ended never arrives).</summary>
    private sealed record HealthTick
    {
        public static readonly HealthTick Instance = new();
    }

    private sealed record HealthProbed(int Run, HealthProbeResult Result);

    /// <summary>Health-on-failure's signal for the run watched as <see cref="Watch"/>.</summary>
    private sealed record SignalForHealth(bool Kill, int Watch);
}
