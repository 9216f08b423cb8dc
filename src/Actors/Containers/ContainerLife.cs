using System.Collections.Immutable;

namespace Berth.Actors.Containers;

/// <summary>What this run's end should lead to, as the user's requests and the health checks said.</summary>
/// <param name="ThenStart">docker restart: the run is stopped to be started again.</param>
public sealed record RunIntent(bool PolicyCanceled, bool ForHealth, string? PendingRestartReason, bool ThenStart = false)
{
    public static readonly RunIntent None = new(false, false, null);
}

/// <summary>One container's life as a pure value: its run (<see cref="ContainerState"/>), the restart policy's record, this run's intent and back-off.</summary>
/// <param name="StartUnconfirmed">A start was stored as intended (<see cref="ContainerStartBegun"/>) and has not been recorded as begun or failed.</param>
public sealed record ContainerLife(ContainerState Run, RestartRecord Restart, RunIntent Intent, TimeSpan LastBackoff, bool Removed, bool StartUnconfirmed = false)
{
    public static ContainerLife New(string id) => new(ContainerState.New(id), RestartRecord.Fresh, RunIntent.None, TimeSpan.Zero, false);

    public string Id => Run.Id;

    /// <summary>The clients waiting on this container, in the order they came.</summary>
    public ImmutableList<Waiter> Waiters { get; init; } = [];

    /// <summary>The ticket the next waiter gets.</summary>
    public long NextTicket { get; init; } = 1;

    /// <summary>The current watch of the run's exit; a report or deadline of another watch is stale.</summary>
    public int Watch { get; init; }

    /// <summary>A docker stop or restart waits for this run to end.</summary>
    public bool Stopping => Waiters.Any(w => w.For == WaitFor.Stop);

    /// <summary>The current run's health check (null: none configured, or no run began here).</summary>
    public HealthCheck? Check { get; init; }

    /// <summary>The run's health as inspect shows it (the last run's, after it ended); null without checks.</summary>
    public HealthState? Health { get; init; }

    /// <summary>A new number for each run's checks: probe results of another are ignored.</summary>
    public int HealthRun { get; init; }

    /// <summary>This run's execs by id, in memory like dockerd's, for as long as the run lasts.</summary>
    public ImmutableDictionary<string, ExecRecord> Execs { get; init; } = ImmutableDictionary<string, ExecRecord>.Empty;

    /// <summary>Exec ids of the running execs (container inspect's ExecIDs; null when none, as docker shows it).</summary>
    public IReadOnlyList<string>? RunningExecIds =>
        Execs.Values.Where(e => e.Running).Select(e => e.Id).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } ids ? ids : null;
}

/// <summary>The result of <see cref="ContainerAggregate.Decide"/>: events to persist (journal records) or apply (<see cref="LifeFact"/>), and the reply.</summary>
public sealed record Decided(IReadOnlyList<object> Events, Decision Reply)
{
    public static Decided Only(Decision d) => new([], d);
}
