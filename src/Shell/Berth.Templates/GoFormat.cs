using System.Globalization;
using System.Text;

namespace Berth.Templates;

/// <summary>Go's fmt.Sprint / Sprintln / Sprintf over template values (the printf, print and println functions).</summary>
internal static class GoFormat
{
    /// <summary>fmt.Sprint: spaces only between operands when neither side is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            var v = TemplateValues.Normalize(args[i]);
            if (i > 0 && v is not string && TemplateValues.Normalize(args[i - 1]) is not string) sb.Append(' ');
            sb.Append(TemplateValues.Print(v));
        }
        return sb.ToString();
    }

    /// <summary>fmt.Sprintln: always spaces between operands and a final newline.</summary>
    public static string Sprintln(IReadOnlyList<object?> args) =>
        string.Join(" ", args.Select(TemplateValues.Print)) + "\n";

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argIndex = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%') { sb.Append(c); i++; continue; }
            i++;
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            bool minus = false, zero = false, plus = false, sharp = false, space = false;
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '-': minus = true; continue;
                    case '0': zero = true; continue;
                    case '+': plus = true; continue;
                    case '#': sharp = true; continue;
                    case ' ': space = true; continue;
                }
                break;
            }
            int? width = null, precision = null;
            if (i < format.Length && format[i] == '*')
            {
                i++;
                width = argIndex < args.Count && TemplateValues.Normalize(args[argIndex]) is long w ? (int)w : null;
                argIndex++;
            }
            else width = ReadInt(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadInt(format, ref i) ?? 0;
            }
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            var verb = format[i++];
            if (verb == '%') { sb.Append('%'); continue; }
            if (argIndex >= args.Count) { sb.Append("%!").Append(verb).Append("(MISSING)"); continue; }
            var arg = TemplateValues.Normalize(args[argIndex++]);
            var text = FormatOne(verb, arg, precision, plus, sharp, space);
            if (text == null) { sb.Append("%!").Append(verb).Append('(').Append(TypeAndValue(arg)).Append(')'); continue; }
            sb.Append(Pad(text, width, minus, zero && !minus && arg is long or double && verb != 's' && verb != 'q'));
        }
        if (argIndex < args.Count)
        {
            sb.Append("%!(EXTRA ");
            sb.Append(string.Join(", ", args.Skip(argIndex).Select(TypeAndValue)));
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static string TypeAndValue(object? v)
    {
        v = TemplateValues.Normalize(v);
        return v == null ? "<nil>" : TemplateValues.GoTypeName(v) + "=" + TemplateValues.Print(v);
    }

    private static int? ReadInt(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > start ? int.Parse(s[start..i], CultureInfo.InvariantCulture) : null;
    }

    private static string Pad(string s, int? width, bool left, bool zeros)
    {
        var w = width ?? 0;
        var len = s.EnumerateRunes().Count();
        if (len >= w) return s;
        if (left) return s + new string(' ', w - len);
        if (zeros)
        {
            var sign = s.StartsWith('-') || s.StartsWith('+') ? s[..1] : "";
            return sign + new string('0', w - len) + s[sign.Length..];
        }
        return new string(' ', w - len) + s;
    }

    /// <summary>Formats one operand, or null when the verb does not apply to its type (Go then prints %!v(type=value)).</summary>
    private static string? FormatOne(char verb, object? arg, int? precision, bool plus, bool sharp, bool space)
    {
        switch (verb)
        {
            case 'v':
                if (arg is string vs && sharp) return GoText.Quote(vs);
                return TemplateValues.Print(arg);
            case 's':
                if (arg is string s) return precision is { } p && p < s.Length ? s[..p] : s;
                if (TemplateValues.AsList(arg) is { } list && list.All(x => TemplateValues.Normalize(x) is string))
                    return TemplateValues.Print(arg);
                if (arg is null) return "%!s(<nil>)";
                return null;
            case 'q':
                if (arg is string q) return GoText.Quote(q);
                if (arg is long r) return "'" + char.ConvertFromUtf32((int)r) + "'";
                return null;
            case 'd':
                if (arg is long d) return (plus && d >= 0 ? "+" : space && d >= 0 ? " " : "") + d.ToString(CultureInfo.InvariantCulture);
                return null;
            case 'x' or 'X':
                {
                    string? hex = arg switch
                    {
                        long l => l.ToString("x", CultureInfo.InvariantCulture),
                        string str => Convert.ToHexString(Encoding.UTF8.GetBytes(str)).ToLowerInvariant(),
                        _ => null,
                    };
                    if (hex == null) return null;
                    if (sharp) hex = "0x" + hex;
                    return verb == 'X' ? hex.ToUpperInvariant() : hex;
                }
            case 'o':
                return arg is long o ? Convert.ToString(o, 8) : null;
            case 'b':
                return arg is long bl ? Convert.ToString(bl, 2) : null;
            case 'c':
                return arg is long ch ? char.ConvertFromUtf32((int)ch) : null;
            case 't':
                return arg is bool b ? (b ? "true" : "false") : null;
            case 'f' or 'F':
                {
                    if (arg is not (double or long)) return null;
                    var f = Convert.ToDouble(arg, CultureInfo.InvariantCulture);
                    return (plus && f >= 0 ? "+" : "") + f.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture);
                }
            case 'g':
                {
                    if (arg is not (double or long)) return null;
                    var g = Convert.ToDouble(arg, CultureInfo.InvariantCulture);
                    return precision is { } gp ? GoFloat.FormatG(g, gp) : GoFloat.FormatShortest(g);
                }
            case 'e':
                {
                    if (arg is not (double or long)) return null;
                    var e = Convert.ToDouble(arg, CultureInfo.InvariantCulture);
                    var text = e.ToString("0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture);
                    return text;
                }
            default:
                return null;
        }
    }
}
