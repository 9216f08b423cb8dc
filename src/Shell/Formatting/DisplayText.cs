using System.Globalization;
using System.Text;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>Small text helpers the docker CLI applies to listed values: short ids, ellipsis, display width.</summary>
public static class DisplayText
{
    /// <summary>docker's TruncateID: drops an algorithm prefix ("sha256:") and keeps 12 characters.</summary>
    public static string ShortId(string id)
    {
        var colon = id.IndexOf(':');
        if (colon >= 0) id = id[(colon + 1)..];
        return id.Length > 12 ? id[..12] : id;
    }

    /// <summary>Removes a leading "sha256:" (what <c>docker images --no-trunc</c> keeps, and -q strips).</summary>
    public static string StripDigestAlgorithm(string id) =>
        id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;

    /// <summary>docker's formatter.Ellipsis: fits <paramref name="s"/> into a display width, ending in "…" when cut.</summary>
    public static string Ellipsis(string s, int maxWidth)
    {
        if (maxWidth <= 0) return "";
        var runes = s.EnumerateRunes().ToArray();
        if (runes.Length == 0) return s;
        if (maxWidth == 1) return runes[0].ToString();
        var total = 0;
        var widths = new int[runes.Length];
        for (var i = 0; i < runes.Length; i++)
        {
            total += IsWide(runes[i]) ? 2 : 1;
            widths[i] = total;
        }
        if (total <= maxWidth) return s;
        var sb = new StringBuilder();
        for (var i = 0; i < runes.Length; i++)
        {
            if (widths[i] > maxWidth - 1) break;
            sb.Append(runes[i].ToString());
        }
        return sb.Append('…').ToString();
    }

    /// <summary>Terminal columns a string occupies: East Asian wide characters count 2, combining marks 0.</summary>
    public static int DisplayWidth(string s)
    {
        var w = 0;
        foreach (var r in s.EnumerateRunes())
        {
            var cat = Rune.GetUnicodeCategory(r);
            if (cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) continue;
            if (r.Value < 0x20 || r.Value == 0x7F) continue;
            w += IsWide(r) ? 2 : 1;
        }
        return w;
    }

    /// <summary>East Asian Wide and Fullwidth ranges (Unicode TR11), the ones a terminal draws two cells wide.</summary>
    public static bool IsWide(Rune r)
    {
        var c = r.Value;
        return c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0x303E or >= 0x3041 and <= 0x33FF
            or >= 0x3400 and <= 0x4DBF or >= 0x4E00 and <= 0x9FFF or >= 0xA000 and <= 0xA4CF
            or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F
            or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1F64F
            or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD;
    }

    /// <summary>docker ps's COMMAND cell: ellipsized to 20 columns unless --no-trunc, then Go-quoted.</summary>
    public static string Command(string command, bool truncate) =>
        GoText.Quote(truncate ? Ellipsis(command, 20) : command);
}
