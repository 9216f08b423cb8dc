using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>Journal: the restart policy (Reason: always, unless-stopped, on-failure, unhealthy) starts the container again, the Count-th time.</summary>
[Manifest("container.restarting.v1")]
public sealed record ContainerRestartScheduled(int Count, string Reason, int ExitCode, DateTimeOffset At) : IBerthMessage;

/// <summary>Journal: docker stop or kill by the user (unless-stopped remembers it across daemon restarts).</summary>
[Manifest("container.stopped-by-user.v1")]
public sealed record ContainerStoppedByUser(DateTimeOffset At) : IBerthMessage;

/// <summary>Journal: a start by the user (or the daemon) after the policy counted restarts or the user stopped it: the count starts over.</summary>
[Manifest("container.restart-record-reset.v1")]
public sealed record ContainerRestartRecordReset(DateTimeOffset At) : IBerthMessage;

/// <summary>docker's State.Health.</summary>
public sealed record HealthView(string Status, int FailingStreak, IReadOnlyList<HealthLogView> Log);

/// <summary>One entry of State.Health.Log.</summary>
public sealed record HealthLogView(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);

/// <summary>The self-healing part of docker's State: health (null without a health check) and the restart count.</summary>
public sealed partial record ContainerStatusView
{
    public HealthView? Health { get; init; }
    public int RestartCount { get; init; }
}
