namespace Berth.Actors.Containers.Bundle;

/// <summary>The kernel's cpu list syntax ("0-3,5"), used by cpuset.cpus and cpuset.mems.</summary>
public static class CpuList
{
    /// <summary>The set of numbers, or null when the text is not a cpu list.</summary>
    public static HashSet<int>? Parse(string text)
    {
        var set = new HashSet<int>();
        if (text.Length == 0) return set;
        foreach (var part in text.Split(','))
        {
            var range = part.Split('-');
            if (range.Length > 2 || !int.TryParse(range[0], out var lo) || lo < 0) return null;
            var hi = lo;
            if (range.Length == 2 && (!int.TryParse(range[1], out hi) || hi < lo)) return null;
            for (var i = lo; i <= hi; i++) set.Add(i);
        }
        return set;
    }
}
