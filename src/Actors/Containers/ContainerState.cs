using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's container statuses, spelled as the API spells them.</summary>
public enum ContainerStatus { Created, Running, Paused, Restarting, Exited, Dead, Removing }

/// <summary>What the lifecycle allows for one request.</summary>
public abstract record Decision
{
    /// <summary>Go ahead.</summary>
    public sealed record Proceed : Decision;

    /// <summary>Nothing to do: docker answers 304.</summary>
    public sealed record NotModified : Decision;

    /// <summary>Refused with docker's message.</summary>
    public sealed record Rejected(ContainerErrorKind Kind, string Message) : Decision;

    public static readonly Decision Go = new Proceed();
    public static readonly Decision Unchanged = new NotModified();
}

/// <summary>The lifecycle operations the state machine judges.</summary>
public enum Operation { Start, Stop, Kill, Remove, ForceRemove, Restart }

/// <summary>
/// One container's lifecycle as a pure value: which operations are allowed in which status (with docker's
/// refusals) and how start, exit and removal change it. No I/O, so the rules are specified without actors.
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

    public Decision Judge(Operation op) => op switch
    {
        Operation.Start when IsRunning => Decision.Unchanged,
        Operation.Start when Status is ContainerStatus.Removing or ContainerStatus.Dead =>
            new Decision.Rejected(ContainerErrorKind.Conflict, $"container {Id} is marked for removal and cannot be started"),
        Operation.Stop when !IsRunning => Decision.Unchanged,
        Operation.Kill when !IsRunning => new Decision.Rejected(ContainerErrorKind.Conflict, $"Cannot kill container: {Id}: Container {Id} is not running"),
        Operation.Remove when IsRunning => new Decision.Rejected(ContainerErrorKind.Conflict,
            $"You cannot remove a running container {Id}. Stop the container before attempting removal or force remove"),
        Operation.Remove or Operation.ForceRemove when Status is ContainerStatus.Removing =>
            new Decision.Rejected(ContainerErrorKind.Conflict, $"removal of container {Id} is already in progress"),
        _ => Decision.Go,
    };

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
