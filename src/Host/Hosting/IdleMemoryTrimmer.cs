namespace Berth.Host.Hosting;

/// <summary>
/// Gives memory back to the OS once the API has gone quiet: after a burst of requests (an image import, 50
/// containers) the GC keeps its grown heap committed; an aggressive collection when nothing has happened for a
/// while decommits it, as Go's scavenger does for dockerd. Never runs while requests keep coming.
/// </summary>
public sealed class IdleMemoryTrimmer(TimeSpan quiet, Action trim) : BackgroundService
{
    private long _lastActivityTicks;
    private long _lastTrimTicks;

    public static IdleMemoryTrimmer ForDaemon() => new(TimeSpan.FromSeconds(2), Trim);

    /// <summary>A full, compacting collection that decommits what it frees; the large object heap (big request bodies, labels) included.</summary>
    public static void Trim()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Called at the start and end of every request.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastActivityTicks, Environment.TickCount64);

    /// <summary>Trim when there was activity since the last trim and none for <paramref name="quiet"/>.</summary>
    public static bool ShouldTrim(long now, long lastActivity, long lastTrim, TimeSpan quiet) =>
        lastActivity > lastTrim && now - lastActivity >= (long)quiet.TotalMilliseconds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(quiet / 2);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Environment.TickCount64;
                if (!ShouldTrim(now, Interlocked.Read(ref _lastActivityTicks), _lastTrimTicks, quiet)) continue;
                _lastTrimTicks = now;
                trim();
            }
        }
        catch (OperationCanceledException) { }
    }
}
