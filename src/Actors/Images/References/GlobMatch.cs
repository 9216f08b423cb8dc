namespace Berth.Actors.Images.References;

/// <summary>Go's path.Match: '*' and '?' never cross '/', '[...]' classes with ranges and '^'/'!' negation, '\' escapes.</summary>
public static class GlobMatch
{
    public static bool Matches(string pattern, string name) => Match(pattern, 0, name, 0);

    private static bool Match(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            switch (c)
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*') pi++;
                    for (var k = si; ; k++)
                    {
                        if (Match(p, pi, s, k)) return true;
                        if (k >= s.Length || s[k] == '/') return false;
                    }
                case '?':
                    if (si >= s.Length || s[si] == '/') return false;
                    pi++; si++;
                    continue;
                case '[':
                {
                    if (si >= s.Length || s[si] == '/') return false;
                    var end = p.IndexOf(']', pi + 1);
                    if (end < 0) return false;
                    var cls = p[(pi + 1)..end];
                    var negate = cls.Length > 0 && (cls[0] == '^' || cls[0] == '!');
                    if (negate) cls = cls[1..];
                    var hit = false;
                    for (var i = 0; i < cls.Length; i++)
                    {
                        var lo = cls[i];
                        if (lo == '\\' && i + 1 < cls.Length) lo = cls[++i];
                        var hi = lo;
                        if (i + 2 < cls.Length && cls[i + 1] == '-') { hi = cls[i + 2]; i += 2; }
                        if (s[si] >= lo && s[si] <= hi) hit = true;
                    }
                    if (hit == negate) return false;
                    pi = end + 1; si++;
                    continue;
                }
                case '\\' when pi + 1 < p.Length:
                    pi++;
                    c = p[pi];
                    goto default;
                default:
                    if (si >= s.Length || s[si] != c) return false;
                    pi++; si++;
                    continue;
            }
        }
        return si == s.Length;
    }
}
