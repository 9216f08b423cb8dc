using Akka.Actor;
using Akka.Event;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// Health checks: while a run lasts, a probe runs inside the container every interval (<see cref="HealthProbe"/>);
/// <see cref="HealthState"/> folds the results; a change of status is a "health_status: …" event; and becoming
/// unhealthy triggers the container's health-on-failure action (label berth.health-on-failure).
/// </summary>
public sealed partial class ContainerActor
{
    private HealthCheck? _check;
    private HealthState? _health;
    private int _healthRun; // a new number per run: ticks and probe results of an earlier run are ignored
    private bool _healthRecovered; // the health file was consulted for the run recorded before this daemon started

    private void SetUpHealth()
    {
        Command<HealthTick>(OnHealthTick);
        CommandAsync<HealthProbed>(OnHealthProbed);
    }

    private void StartHealthChecks()
    {
        _healthRun++;
        _check = HealthCheck.Of(Def.Spec);
        // A run found alive after a daemon restart carries on where its health was (see HealthFile); a new run starts over.
        _health = _check == null ? null : HealthFile.Resume(Paths.Dir, _state.StartedAt) ?? HealthState.Starting;
        if (_check != null) ScheduleProbe();
    }

    private void StopHealthChecks() => _healthRun++;

    private void ScheduleProbe() =>
        Context.System.Scheduler.ScheduleTellOnce(_check!.Interval, Self, new HealthTick(_healthRun), Self);

    private void OnHealthTick(HealthTick tick)
    {
        if (tick.Run != _healthRun || _check == null) return;
        if (_state.Status == ContainerStatus.Paused)
        {
            ScheduleProbe(); // no probe in a frozen container (dockerd stops its monitor while paused), but checks resume after unpause
            return;
        }
        if (_state.Status != ContainerStatus.Running) return;
        var run = tick.Run;
        HealthProbe.RunAsync(Paths, _check).PipeTo(Self, success: r => new HealthProbed(run, r),
            failure: e => new HealthProbed(run, new HealthProbeResult(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, -1, e.Message)));
    }

    private async Task OnHealthProbed(HealthProbed probed)
    {
        if (probed.Run != _healthRun || _check == null || _health == null) return;
        if (_state.Status == ContainerStatus.Paused)
        {
            // The container froze while this probe ran (its exec fails or hangs): the result says nothing about its
            // health, and the checks must go on after unpause, as from a tick that fell into the pause.
            ScheduleProbe();
            return;
        }
        if (_state.Status != ContainerStatus.Running) return;
        var before = _health.Status;
        _health = _health.After(probed.Result, _check, _state.StartedAt ?? probed.Result.Start);
        SaveHealth();
        Report();
        if (_health.Status != before)
        {
            Record("health_status: " + _health.StatusName);
            if (_health.Status == HealthStatus.Unhealthy) await OnUnhealthy();
        }
        if (probed.Run == _healthRun) ScheduleProbe();
    }

    private void SaveHealth()
    {
        try { HealthFile.Save(Paths.Dir, _state.StartedAt ?? DateTimeOffset.MinValue, _health!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("container {0}: cannot save its health to {1}: {2}", _state.Id, HealthFile.PathOf(Paths.Dir), e.Message);
        }
    }

    /// <summary>What Docker never shipped (moby 28400): the container asked to be restarted, killed or stopped when unhealthy.</summary>
    private async Task OnUnhealthy()
    {
        var action = HealthOnFailureLabel.Of(Def.Spec);
        if (action == HealthOnFailure.None || _shim == null) return;
        var verb = action.ToString().ToLowerInvariant();
        Record("health_on_failure: " + verb, ("berth.reason", "unhealthy"), ("failingStreak", _health!.FailingStreak.ToString()));
        switch (action)
        {
            case HealthOnFailure.Kill:
                await SignalOrLog(9); // the restart policy, if any, judges this death like any other
                break;
            case HealthOnFailure.Restart or HealthOnFailure.Stop:
                // The aggregate notes why this run ends: to be restarted, or stopped on purpose (unless-stopped keeps it down).
                var decided = ContainerAggregate.Decide(_life, new LifeCommand.Unhealthy(action), DateTimeOffset.UtcNow);
                if (decided.Reply is not Decision.Proceed) return;
                Enact(decided.Events);
                await StopForHealth();
                break;
        }
    }

    /// <summary>The stop signal, then SIGKILL after the stop timeout, like docker stop (without a caller to answer).</summary>
    private async Task StopForHealth()
    {
        var signal = Berth.Runtime.Containers.Signals.Parse(Def.Spec.StopSignal ?? "SIGTERM");
        var seconds = Def.StopSeconds(null);
        await Signal(signal);
        if (seconds >= 0)
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(seconds), Self, new StopDeadline(_generation), Self);
    }

    private HealthView? CurrentHealth()
    {
        RecoverHealth();
        return _health == null ? null : new HealthView(_health.StatusName, _health.FailingStreak,
            _health.Log.Select(l => new HealthLogView(l.Start, l.End, l.ExitCode, l.Output)).ToList());
    }

    /// <summary>
    /// Once per daemon start, before any run started here: the last run's health from its file. An inspect that comes
    /// right after a restart (before the shim is reconnected) shows it, and so does a stopped container's, as with dockerd.
    /// </summary>
    private void RecoverHealth()
    {
        if (_healthRecovered || _health != null) return;
        _healthRecovered = true;
        if (HealthCheck.Of(Def.Spec) != null) _health = HealthFile.Resume(Paths.Dir, _state.StartedAt);
    }

    private sealed record HealthTick(int Run);

    private sealed record HealthProbed(int Run, HealthProbeResult Result);
}
