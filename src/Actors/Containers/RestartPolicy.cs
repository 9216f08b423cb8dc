using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's restart policies: no, always, unless-stopped, on-failure.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RestartPolicyKind>))]
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

    [System.Text.Json.Serialization.JsonIgnore] public bool IsNone => Kind == RestartPolicyKind.No;

    /// <summary>docker's name of the policy ("no", "always", "unless-stopped", "on-failure").</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => Kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        RestartPolicyKind.OnFailure => "on-failure",
        _ => "no",
    };

    /// <summary>The policy docker names so ("" means "no"), or null for a name docker does not know.</summary>
    public static RestartPolicy? Named(string name, int maximumRetryCount) => name switch
    {
        "" or "no" => new(RestartPolicyKind.No, maximumRetryCount),
        "always" => new(RestartPolicyKind.Always, maximumRetryCount),
        "unless-stopped" => new(RestartPolicyKind.UnlessStopped, maximumRetryCount),
        "on-failure" => new(RestartPolicyKind.OnFailure, maximumRetryCount),
        _ => null,
    };

    /// <summary>docker's refusal (400) of a policy name it does not know.</summary>
    public static string UnknownName(string name) =>
        $"invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'";

    /// <summary>docker's refusal (400) of a restart policy at create, or null when it is valid.</summary>
    public static string? Validate(RestartPolicy policy, bool autoRemove)
    {
        var error = policy.Kind switch
        {
            not RestartPolicyKind.OnFailure when policy.MaximumRetryCount != 0 => "invalid restart policy: maximum retry count can only be used with 'on-failure'",
            RestartPolicyKind.OnFailure when policy.MaximumRetryCount < 0 => "invalid restart policy: maximum retry count cannot be negative",
            _ => null,
        };
        if (error == null && autoRemove && !policy.IsNone) return "can't create 'AutoRemove' container with restart policy";
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
