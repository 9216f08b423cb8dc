using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers;

/// <summary>
/// A running container's health on disk (containers/&lt;id&gt;/health.json), rewritten after every probe like dockerd
/// checkpoints its container config on every probe result. The journal gets no per-probe entries: a probe every
/// second for fifty containers would add millions of journal rows a day that are replayed on every recovery, while
/// only the latest result matters. The file names the run it belongs to (its StartedAt), so after a daemon restart
/// (live restore) the same run resumes its status, failing streak and log, and a new run starts over at "starting".
/// </summary>
public static class HealthFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string PathOf(string containerDir) => Path.Combine(containerDir, "health.json");

    /// <summary>Replaces the file atomically (write, then rename), so a crash mid-write leaves the previous probe's state.</summary>
    public static void Save(string containerDir, DateTimeOffset runStartedAt, HealthState health)
    {
        // 0600: probe output is whatever the container printed.
        ExactMode.WriteFile(PathOf(containerDir), JsonSerializer.SerializeToUtf8Bytes(new Saved(runStartedAt, health.Status, health.FailingStreak, [.. health.Log]), Json),
            ExactMode.File0600);
    }

    /// <summary>The health saved for the run that started at <paramref name="runStartedAt"/>, or null (another run's, none, unreadable).</summary>
    public static HealthState? Resume(string containerDir, DateTimeOffset? runStartedAt)
    {
        var path = PathOf(containerDir);
        if (runStartedAt == null || !File.Exists(path)) return null;
        try
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(path), Json);
            return saved != null && saved.RunStartedAt == runStartedAt.Value
                ? new HealthState(saved.Status, saved.FailingStreak, saved.Log.TakeLast(HealthState.MaxLogEntries).ToList())
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    private sealed record Saved(DateTimeOffset RunStartedAt, HealthStatus Status, int FailingStreak, List<HealthProbeResult> Log);
}
