using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's rules for pause, unpause and top, as refusals of a <see cref="ContainerState"/>; pure.</summary>
public static class PauseRules
{
    public static Decision JudgePause(this ContainerState s) => s.Status switch
    {
        ContainerStatus.Running => Decision.Go,
        ContainerStatus.Paused => new Decision.Rejected(ContainerErrorKind.Conflict, $"Container {s.Id} is already paused"),
        ContainerStatus.Restarting => Restarting(s),
        _ => NotRunning(s),
    };

    public static Decision JudgeUnpause(this ContainerState s) =>
        s.Status == ContainerStatus.Paused ? Decision.Go : new Decision.Rejected(ContainerErrorKind.Conflict, $"Container {s.Id} is not paused");

    /// <summary>top and stats look at the processes of a running (or paused) container only.</summary>
    public static Decision JudgeTop(this ContainerState s) => s.Status switch
    {
        ContainerStatus.Running or ContainerStatus.Paused => Decision.Go,
        ContainerStatus.Restarting => Restarting(s),
        _ => NotRunning(s),
    };

    public static ContainerState Frozen(this ContainerState s) => s with { Status = ContainerStatus.Paused };

    /// <summary>Back to running, unless the container died while it was paused.</summary>
    public static ContainerState Thawed(this ContainerState s) => s.Status == ContainerStatus.Paused ? s with { Status = ContainerStatus.Running } : s;

    private static Decision NotRunning(ContainerState s) => new Decision.Rejected(ContainerErrorKind.Conflict, $"Container {s.Id} is not running");

    private static Decision Restarting(ContainerState s) =>
        new Decision.Rejected(ContainerErrorKind.Conflict, $"Container {s.Id} is restarting, wait until the container is running");
}
