namespace Berth.Host.Hosting;

/// <summary>
/// Gives memory back to the OS once the API has gone quiet: after a burst of requests (an image import, 50
/// containers, a 50 MB label) the GC keeps its grown heap committed; an aggressive collection when nothing has
/// happened for a while decommits it, as Go's scavenger does for dockerd. Never runs while requests keep coming.
/// Two follow-up collections while it stays quiet let the shared array pool (System.Text.Json's buffers) drop
/// the big arrays it kept: it releases an array only once it has sat unused across gen-2 collections 30 to 60 s apart.
/// </summary>
public sealed class IdleMemoryTrimmer(TimeSpan quiet, Action trim) : BackgroundService
{
    /// <summary>Quiet times after the first trim at which to trim again; past the shared array pool's 30 s and 60 s.</summary>
    public static readonly TimeSpan[] FollowUps = [TimeSpan.FromSeconds(35), TimeSpan.FromSeconds(70)];

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

    /// <summary>
    /// Trim when there was activity and it has been quiet for <paramref name="quiet"/>, then once more at each of
    /// <see cref="FollowUps"/>, unless a trim at that stage of this quiet spell already ran.
    /// </summary>
    public static bool ShouldTrim(long now, long lastActivity, long lastTrim, TimeSpan quiet)
    {
        if (lastActivity <= 0) return false;
        var quietFor = now - lastActivity;
        var trimmedAfter = lastTrim - lastActivity; // negative: no trim since the activity
        var stage = FollowUps.Select(f => (long)f.TotalMilliseconds).Where(f => quietFor >= f).DefaultIfEmpty((long)quiet.TotalMilliseconds).Max();
        return quietFor >= stage && trimmedAfter < stage;
    }

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
