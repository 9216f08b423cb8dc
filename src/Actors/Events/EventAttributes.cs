using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>
/// What one engine event may carry. dockerd copies every container label into its events uncut; berth keeps its
/// events on disk and in a window of thousands, so one 50 MB label would otherwise sit in memory and in every
/// snapshot. Real labels (compose hashes, OCI annotations, traefik rules) are far below these caps and pass intact.
/// </summary>
public static class EventAttributes
{
    /// <summary>Characters kept of one attribute value; a longer one is cut to this length.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>Characters (keys and values) one event keeps; attributes past this budget are left out, in their order.</summary>
    public const int MaxTotalLength = 64 * 1024;

    /// <summary>The event as stored and delivered: the same one when it is within the caps.</summary>
    public static EngineEvent Capped(EngineEvent e)
    {
        var total = 0;
        var fits = true;
        foreach (var (k, v) in e.Attributes)
        {
            total += k.Length + v.Length;
            fits &= v.Length <= MaxValueLength;
        }
        if (fits && total <= MaxTotalLength) return e;

        var kept = new Dictionary<string, string>();
        var budget = MaxTotalLength;
        foreach (var (k, v) in e.Attributes)
        {
            var value = v.Length <= MaxValueLength ? v : v[..MaxValueLength];
            if (k.Length + value.Length > budget) continue;
            budget -= k.Length + value.Length;
            kept[k] = value;
        }
        return e with { Attributes = kept };
    }
}
