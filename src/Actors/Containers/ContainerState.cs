namespace Berth.Actors.Containers;

/// <summary>docker's container statuses, spelled as the API spells them.</summary>
public enum ContainerStatus { Created, Running, Paused, Restarting, Exited, Dead, Removing }

/// <summary>
/// One container's run as a pure value: its status, process and how it ended; <see cref="ContainerAggregate"/>
/// judges requests against it and moves it from status to status.
/// </summary>
public sealed record ContainerState(
    string Id,
    ContainerStatus Status,
    int Pid,
    int ExitCode,
    string Error,
    bool OomKilled,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public static ContainerState New(string id) => new(id, ContainerStatus.Created, 0, 0, "", false, null, null);

    public bool IsRunning => Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;

    public string StatusName => Status.ToString().ToLowerInvariant();

    public ContainerState Started(int pid, DateTimeOffset at) =>
        this with { Status = ContainerStatus.Running, Pid = pid, ExitCode = 0, Error = "", OomKilled = false, StartedAt = at, FinishedAt = null };

    /// <summary>The process ended (or never started: then Error holds the runtime's message).</summary>
    public ContainerState Exited(int exitCode, DateTimeOffset at, bool oomKilled, string? error) =>
        this with { Status = ContainerStatus.Exited, Pid = 0, ExitCode = exitCode, OomKilled = oomKilled, Error = error ?? "", FinishedAt = at };

    public ContainerState Removing() => this with { Status = ContainerStatus.Removing };

    /// <summary>The restart policy will start it again: docker shows it running and restarting, without a process.</summary>
    public ContainerState Restarting() => this with { Status = ContainerStatus.Restarting, Pid = 0 };

    /// <summary>A pending restart was dropped (docker stop, kill or rm -f while restarting): it is exited again.</summary>
    public ContainerState RestartAbandoned() => this with { Status = ContainerStatus.Exited };

    /// <summary>docker ps's STATUS column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".</summary>
    public string Describe(DateTimeOffset now) => Status switch
    {
        ContainerStatus.Running => $"Up {HumanDuration(now - (StartedAt ?? now))}",
        ContainerStatus.Exited when FinishedAt is { } f => $"Exited ({ExitCode}) {HumanDuration(now - f)} ago",
        ContainerStatus.Removing => "Removal In Progress",
        ContainerStatus.Dead => "Dead",
        _ => "Created",
    };

    /// <summary>Go's units.HumanDuration, which docker ps uses.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var s = (long)d.TotalSeconds;
        if (s < 1) return "Less than a second";
        if (s == 1) return "1 second";
        if (s < 60) return $"{s} seconds";
        var m = (long)d.TotalMinutes;
        if (m == 1) return "About a minute";
        if (m < 60) return $"{m} minutes";
        var h = (long)Math.Round(d.TotalHours);
        if (h == 1) return "About an hour";
        if (h < 48) return $"{h} hours";
        if (h < 24 * 7 * 2) return $"{h / 24} days";
        if (h < 24 * 30 * 2) return $"{h / 24 / 7} weeks";
        if (h < 24 * 365 * 2) return $"{h / 24 / 30} months";
        return $"{h / 24 / 365} years";
    }
}
