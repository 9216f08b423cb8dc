using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's restart policy names.</summary>
public enum RestartPolicyKind { No, Always, UnlessStopped, OnFailure }

/// <summary>
/// docker's restart rules as a pure value (moby's restartmanager): whether a container that ended is started again,
/// after which delay, and whether a daemon start brings it back. The actor only does what this decides.
/// </summary>
public sealed record RestartPolicy(RestartPolicyKind Kind, int MaximumRetryCount)
{
    // The back-off itself is Akka's BackoffSupervisor (random factor 0): MinBackoff * 2^n, capped at MaxBackoff.

    /// <summary>The first restart waits this long; every further one twice as long as the previous ...</summary>
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>... up to this ...</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>... and a run that lasted this long starts the doubling over.</summary>
    public static readonly TimeSpan ResetAfter = TimeSpan.FromSeconds(10);

    public static readonly RestartPolicy None = new(RestartPolicyKind.No, 0);

    public bool IsNone => Kind == RestartPolicyKind.No;

    /// <summary>A validated HostConfig.RestartPolicy ("" and null mean "no").</summary>
    public static RestartPolicy From(RestartPolicySpec? spec) => spec?.Name switch
    {
        null or "" or "no" => None,
        "always" => new(RestartPolicyKind.Always, 0),
        "unless-stopped" => new(RestartPolicyKind.UnlessStopped, 0),
        "on-failure" => new(RestartPolicyKind.OnFailure, spec.MaximumRetryCount),
        _ => throw new ArgumentException(Validate(spec, autoRemove: false)),
    };

    /// <summary>docker's refusal (400) of a restart policy at create or update, or null when it is valid.</summary>
    public static string? Validate(RestartPolicySpec? spec, bool autoRemove)
    {
        var name = spec?.Name ?? "";
        var retries = spec?.MaximumRetryCount ?? 0;
        var error = name switch
        {
            "" => null,
            "no" or "always" or "unless-stopped" when retries != 0 => "invalid restart policy: maximum retry count can only be used with 'on-failure'",
            "no" or "always" or "unless-stopped" => null,
            "on-failure" when retries < 0 => "invalid restart policy: maximum retry count cannot be negative",
            "on-failure" => null,
            _ => $"invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
        };
        if (error == null && autoRemove && name is not ("" or "no")) return "can't create 'AutoRemove' container with restart policy";
        return error;
    }

    /// <summary>
    /// The process ended while the daemon watched it: the reason to start it again (the policy's name), or null.
    /// A stop or kill by the user cancels the policy for this run (<paramref name="canceled"/>).
    /// </summary>
    public string? AfterExit(int exitCode, RestartRecord record, bool canceled) => canceled ? null : Kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.UnlessStopped when !record.StoppedByUser => "unless-stopped",
        RestartPolicyKind.OnFailure when exitCode != 0 && (MaximumRetryCount == 0 || record.Count < MaximumRetryCount) => "on-failure",
        _ => null,
    };

    /// <summary>
    /// The daemon starts and finds the container not running: "always" brings back even a container the user stopped,
    /// "unless-stopped" only one the user did not stop, "on-failure" one that failed and has retries left.
    /// </summary>
    public bool StartsWithDaemon(int exitCode, RestartRecord record, bool everStarted) =>
        everStarted && AfterExit(exitCode, record, canceled: false) != null;
}

/// <summary>What the restart policy remembers across daemon restarts: restarts so far and whether the user stopped the container.</summary>
public sealed record RestartRecord(int Count, bool StoppedByUser)
{
    public static readonly RestartRecord Fresh = new(0, false);

    /// <summary>The policy started the container again.</summary>
    public RestartRecord Restarted() => this with { Count = Count + 1 };

    /// <summary>docker stop / kill.</summary>
    public RestartRecord Stopped() => this with { StoppedByUser = true };

    /// <summary>A start by the user (docker start, docker restart, or the daemon's own start) begins a new count.</summary>
    public RestartRecord UserStarted() => Fresh;
}
