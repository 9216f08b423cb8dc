using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Templates;

/// <summary>
/// Marks a value that Go would encode with json.Marshal (docker's formatter contexts marshal themselves that way):
/// {{json .}} on it escapes &lt; &gt; &amp; as \u003c \u003e \u0026, where the json function alone does not.
/// </summary>
public interface IHtmlEscapedJson;

/// <summary>Go's "invalid value": what a missing map key yields; prints as "&lt;no value&gt;".</summary>
internal sealed class MissingValue
{
    public static readonly MissingValue Instance = new();
    public override string ToString() => "<no value>";
}

/// <summary>
/// How template values behave, following Go's reflection rules over three kinds of data: System.Text.Json
/// elements and nodes (objects act like structs in field order, or like maps when ranged), dictionaries (Go maps:
/// sorted keys) and plain C# objects (Go structs: public properties and methods).
/// </summary>
internal static class TemplateValues
{
    /// <summary>Reduces any input to: null, MissingValue, string, long, double, bool, JsonElement (object/array), IDictionary, IEnumerable, or a CLR object.</summary>
    public static object? Normalize(object? v)
    {
        switch (v)
        {
            case null: return null;
            case string or long or double or bool or MissingValue: return v;
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString(),
                    JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => e,
                };
            case JsonNode node: return Normalize(JsonSerializer.SerializeToElement(node));
            case int or short or sbyte or byte or ushort or uint: return Convert.ToInt64(v, CultureInfo.InvariantCulture);
            case ulong u: return u <= long.MaxValue ? (long)u : (double)u;
            case float f: return (double)f;
            case decimal m: return (double)m;
            case char c: return (long)c;
            case Enum en: return en.ToString();
            case DateTime dt: return dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", CultureInfo.InvariantCulture);
            default: return v;
        }
    }

    public static bool IsTrue(object? v) => Normalize(v) switch
    {
        null or MissingValue => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        JsonElement e => e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() > 0 : e.EnumerateObject().Any(),
        ICollection c => c.Count > 0,
        IEnumerable en => en.GetEnumerator().MoveNext(),
        _ => true,
    };

    /// <summary>Looks up one field: JSON property, map key (missing → MissingValue), or C# property / parameterless method.</summary>
    public static object? Field(object? receiver, string name, IReadOnlyList<object?> args, Func<string, Exception> fail)
    {
        var r = Normalize(receiver);
        switch (r)
        {
            case MissingValue: return MissingValue.Instance;
            case null: throw fail($"nil pointer evaluating interface {{}}.{name}");
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                if (args.Count > 0) throw fail($"{name} is not a method but has arguments");
                return e.TryGetProperty(name, out var p) ? p : MissingValue.Instance;
            case IDictionary dict:
                if (args.Count > 0) throw fail($"{name} is not a method but has arguments");
                return dict.Contains(name) ? dict[name] : MissingValue.Instance;
            case string or long or double or bool or JsonElement or IEnumerable:
                throw fail($"can't evaluate field {name} in type {GoTypeName(r)}");
        }
        var type = r.GetType();
        var prop = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (prop != null && prop.GetIndexParameters().Length == 0)
        {
            if (args.Count > 0) throw fail($"{name} has arguments but cannot be invoked as function");
            return prop.GetValue(r);
        }
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == name && m.GetParameters().Length == args.Count && !m.IsGenericMethod);
        if (method != null)
        {
            var ps = method.GetParameters();
            var converted = new object?[args.Count];
            for (var i = 0; i < args.Count; i++) converted[i] = ConvertArg(args[i], ps[i].ParameterType, fail);
            try { return method.Invoke(r, converted); }
            catch (TargetInvocationException ex) { throw fail($"error calling {name}: {ex.InnerException?.Message}"); }
        }
        throw fail($"can't evaluate field {name} in type {GoTypeName(r)}");
    }

    private static object? ConvertArg(object? v, Type target, Func<string, Exception> fail)
    {
        v = Normalize(v);
        if (target == typeof(string)) return v as string ?? throw fail($"wrong type for value; expected string; got {GoTypeName(v)}");
        if (target == typeof(int) && v is long l) return (int)l;
        if (target == typeof(long) && v is long l2) return l2;
        if (target == typeof(double) && v is long or double) return Convert.ToDouble(v, CultureInfo.InvariantCulture);
        if (target == typeof(bool) && v is bool b) return b;
        if (v == null || target.IsInstanceOfType(v)) return v;
        throw fail($"wrong type for value; expected {target.Name}; got {GoTypeName(v)}");
    }

    /// <summary>Go-ish type names for error messages.</summary>
    public static string GoTypeName(object? v) => Normalize(v) switch
    {
        null => "<nil>",
        string => "string",
        long => "int",
        double => "float64",
        bool => "bool",
        JsonElement { ValueKind: JsonValueKind.Array } => "[]interface {}",
        JsonElement => "map[string]interface {}",
        IDictionary => "map[string]interface {}",
        IEnumerable => "[]interface {}",
        var o => o!.GetType().Name,
    };

    /// <summary>Elements of a list-like value, or null when it is not one.</summary>
    public static IReadOnlyList<object?>? AsList(object? v) => Normalize(v) switch
    {
        JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x).ToList(),
        string => null,
        IDictionary => null,
        IEnumerable en => en.Cast<object?>().ToList(),
        _ => null,
    };

    /// <summary>Key/value pairs of a map-like value in Go's sorted key order, or null when it is not one.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>>? AsMap(object? v) => Normalize(v) switch
    {
        JsonElement { ValueKind: JsonValueKind.Object } e => e.EnumerateObject()
            .Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
        IDictionary d => d.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(Convert.ToString(k, CultureInfo.InvariantCulture)!, d[k]))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
        _ => null,
    };

    /// <summary>Go's %v rendering: "&lt;no value&gt;", "&lt;nil&gt;", "[a b]", "map[k:v]", "{f1 f2}".</summary>
    public static string Print(object? v)
    {
        v = Normalize(v);
        switch (v)
        {
            case MissingValue: return "<no value>";
            case null: return "<nil>";
            case string s: return s;
            case bool b: return b ? "true" : "false";
            case long l: return l.ToString(CultureInfo.InvariantCulture);
            case double d: return GoFloat.FormatShortest(d);
        }
        if (AsMap(v) is { } map)
            return "map[" + string.Join(" ", map.Select(p => p.Key + ":" + PrintNested(p.Value))) + "]";
        if (AsList(v) is { } list)
            return "[" + string.Join(" ", list.Select(PrintNested)) + "]";
        var type = v!.GetType();
        var toString = type.GetMethod("ToString", Type.EmptyTypes);
        if (toString != null && toString.DeclaringType != typeof(object) && toString.GetCustomAttribute<CompilerGeneratedAttribute>() == null)
            return v.ToString() ?? "";
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");
        return "{" + string.Join(" ", props.Select(p => PrintNested(p.GetValue(v)))) + "}";
    }

    // Inside collections Go prints nil interfaces as <nil> too, and missing never occurs.
    private static string PrintNested(object? v) => Print(v);

    /// <summary>docker's json template function: Go's encoding/json without HTML escaping, no trailing newline.</summary>
    public static string Json(object? v)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v, escapeHtml: false);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v, bool escapeHtml)
    {
        // docker's list contexts marshal themselves with json.Marshal, which escapes <, > and & inside.
        escapeHtml |= v is IHtmlEscapedJson;
        if (v is JsonElement raw && raw.ValueKind == JsonValueKind.Number) { sb.Append(raw.GetRawText()); return; }
        v = Normalize(v);
        switch (v)
        {
            case null or MissingValue: sb.Append("null"); return;
            case string s: GoText.JsonString(sb, s, escapeHtml); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case double d: sb.Append(JsonFloat(d)); return;
            case JsonElement { ValueKind: JsonValueKind.Object } obj:
                sb.Append('{');
                var first = true;
                foreach (var p in obj.EnumerateObject())
                {
                    if (!first) sb.Append(',');
                    first = false;
                    GoText.JsonString(sb, p.Name, escapeHtml);
                    sb.Append(':');
                    WriteJson(sb, p.Value, escapeHtml);
                }
                sb.Append('}');
                return;
        }
        if (v is IDictionary)
        {
            sb.Append('{');
            var first = true;
            foreach (var p in AsMap(v)!)
            {
                if (!first) sb.Append(',');
                first = false;
                GoText.JsonString(sb, p.Key, escapeHtml);
                sb.Append(':');
                WriteJson(sb, p.Value, escapeHtml);
            }
            sb.Append('}');
            return;
        }
        if (AsList(v) is { } list)
        {
            sb.Append('[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0) sb.Append(',');
                WriteJson(sb, list[i], escapeHtml);
            }
            sb.Append(']');
            return;
        }
        // A C# object is a Go struct: its public properties in declaration order.
        sb.Append('{');
        var firstProp = true;
        foreach (var p in v!.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            if (!firstProp) sb.Append(',');
            firstProp = false;
            GoText.JsonString(sb, p.Name, escapeHtml);
            sb.Append(':');
            WriteJson(sb, p.GetValue(v), escapeHtml);
        }
        sb.Append('}');
    }

    private static string JsonFloat(double d)
    {
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
            // Go writes e-07 as e-7 and always a sign.
            var e = s.IndexOf('e');
            var exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            return s[..e] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        }
        return d.ToString("0.#################", CultureInfo.InvariantCulture) is var f && double.Parse(f, CultureInfo.InvariantCulture) == d
            ? f : d.ToString("R", CultureInfo.InvariantCulture);
    }
}
