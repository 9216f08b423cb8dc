using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>
/// POST /images/prune as dockerd 20.10 decides it: dangling only by default (dangling=false: every unused image),
/// filters until and label / label!; images in use are skipped, not errors.
/// </summary>
public static class ImagePrune
{
    public static RemovalResult Plan(ImageIndex index, IReadOnlyDictionary<string, IReadOnlyList<string>> filters,
        IReadOnlyList<ContainerImageUse> containers, DateTimeOffset now)
    {
        ImageFilters.Validate(filters, "dangling", "until", "label", "label!");
        var danglingOnly = true;
        if (filters.TryGetValue("dangling", out var d) && d.Count > 0)
        {
            danglingOnly = d[0] switch
            {
                "true" or "1" => true,
                "false" or "0" => false,
                _ => throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"Invalid filter 'dangling={d[0]}'"),
            };
        }
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0 ? ParseUntil(u[0], now) : null;

        var candidates = index.Images.Values
            .Where(i => !danglingOnly || index.Children(i.Id).Count == 0)
            .Where(i => !(index.ReferencesOf(i.Id).Count == 0 && index.Children(i.Id).Count > 0))
            .Where(i => until is not { } t || i.Created <= t)
            .Where(i => !filters.TryGetValue("label", out var l) || ImageFilters.MatchLabels(l, i.Labels))
            .Where(i => !filters.TryGetValue("label!", out var nl) || nl.All(x => !ImageFilters.MatchLabels([x], i.Labels)))
            .Select(i => i.Id).ToList();

        var current = index;
        var items = new List<ImageDeleteResponseItem>();
        var events = new List<ImageEventRecord>();
        var garbage = Garbage.None;
        foreach (var id in candidates)
        {
            if (current.Get(id) is null) continue;
            var refs = current.ReferencesOf(id);
            var names = new List<string>();
            if (refs.Count > 0)
            {
                var shouldDelete = !danglingOnly || !refs.Any(r => r.IsTagged);
                if (shouldDelete) names.AddRange(refs.Select(r => r.ToString()));
            }
            else names.Add(id.ToString());
            foreach (var name in names)
            {
                var result = new ImageRemoval(containers).TryRemoveForPrune(current, name);
                if (result is null) continue;
                current = result.Index;
                items.AddRange(result.Items);
                events.AddRange(result.Events);
                garbage = garbage.Merge(result.Garbage);
            }
        }
        return new RemovalResult(current, items, events, garbage);
    }

    private static DateTimeOffset ParseUntil(string value, DateTimeOffset now)
    {
        if (long.TryParse(value.Split('.')[0], out var unix)) return DateTimeOffset.FromUnixTimeSeconds(unix);
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)) return t;
        if (GoDuration.TryParse(value, out var d)) return now - d;
        throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid until filter \"{value}\"");
    }
}

/// <summary>Go duration strings ("10m", "1h30m", "1.5h", "300ms").</summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var i = 0;
        if (text.Length == 0) return false;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text[start..i], System.Globalization.CultureInfo.InvariantCulture, out var n)) return false;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]) || i < text.Length && text[i] == 'µ') i++;
            duration += text[unitStart..i] switch
            {
                "ns" => TimeSpan.FromTicks((long)(n / 100)),
                "us" or "µs" => TimeSpan.FromTicks((long)(n * 10)),
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.MinValue,
            };
            if (duration < TimeSpan.Zero) return false;
        }
        return true;
    }
}
