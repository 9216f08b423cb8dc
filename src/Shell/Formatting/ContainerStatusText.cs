namespace Berth.Shell.Formatting;

/// <summary>The facts a container's STATUS text is made from (docker's container.State).</summary>
public sealed record ContainerStatusFacts(
    bool Running, bool Paused, bool Restarting, bool Dead, bool RemovalInProgress, int ExitCode,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Health = null);

/// <summary>
/// docker's State.String(): "Up 3 seconds", "Up About a minute (Paused)", "Up 2 hours (healthy)",
/// "Restarting (1) 5 seconds ago", "Exited (0) 5 minutes ago", "Created", "Dead", "Removal In Progress".
/// The daemon sends this as "Status" in /containers/json; the CLI prints it verbatim.
/// </summary>
public static class ContainerStatusText
{
    public static string Describe(ContainerStatusFacts s, DateTimeOffset now)
    {
        if (s.Running)
        {
            var up = HumanUnits.Duration(now - (s.StartedAt ?? now));
            if (s.Paused) return $"Up {up} (Paused)";
            if (s.Restarting) return $"Restarting ({s.ExitCode}) {HumanUnits.Duration(now - (s.FinishedAt ?? now))} ago";
            if (!string.IsNullOrEmpty(s.Health)) return $"Up {up} ({(s.Health == "starting" ? "health: starting" : s.Health)})";
            return $"Up {up}";
        }
        if (s.RemovalInProgress) return "Removal In Progress";
        if (s.Dead) return "Dead";
        if (s.StartedAt == null) return "Created";
        if (s.FinishedAt == null) return "";
        return $"Exited ({s.ExitCode}) {HumanUnits.Duration(now - s.FinishedAt.Value)} ago";
    }
}
