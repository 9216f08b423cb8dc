namespace Berth.Actors.Containers;

/// <summary>docker's health statuses, spelled as the API spells them.</summary>
public enum HealthStatus { Starting, Healthy, Unhealthy }

/// <summary>One probe's result as inspect shows it (Output: the first 4096 bytes, cut by the shim like docker).</summary>
public sealed record HealthProbeResult(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);

/// <summary>
/// A running container's health as a pure value (docker's handleProbeResult): exit 0 is healthy and clears the
/// streak; any other result adds to the streak, except while still starting inside the start period, and
/// <c>retries</c> failures in a row make it unhealthy. The last five results are kept.
/// </summary>
public sealed record HealthState(HealthStatus Status, int FailingStreak, IReadOnlyList<HealthProbeResult> Log)
{
    public const int MaxLogEntries = 5;

    public static readonly HealthState Starting = new(HealthStatus.Starting, 0, []);

    public string StatusName => Status.ToString().ToLowerInvariant();

    /// <summary>Folds in one probe of a run that started at <paramref name="runStartedAt"/>.</summary>
    public HealthState After(HealthProbeResult r, HealthCheck check, DateTimeOffset runStartedAt)
    {
        var log = Log.Concat([r]).TakeLast(MaxLogEntries).ToList();
        if (r.ExitCode == 0) return new HealthState(HealthStatus.Healthy, 0, log);
        var inStartPeriod = Status == HealthStatus.Starting && r.Start - runStartedAt < check.StartPeriod;
        if (inStartPeriod) return this with { Log = log };
        var streak = FailingStreak + 1;
        return new HealthState(streak >= check.Retries ? HealthStatus.Unhealthy : Status, streak, log);
    }
}
