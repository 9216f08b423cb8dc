using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>The JSON kinds a request field takes.</summary>
public enum WireKind { String, Integer, Boolean, List, Map, Object }

/// <summary>
/// The shape of a JSON request body as docker's Go types read it, derived by reflection from the berth record the body
/// becomes. <see cref="WireDecoder"/> follows it, and the API fuzz specs enumerate it, so a field added to a record is
/// decoded with Go's rules and fuzzed without further code.
/// </summary>
public sealed class WireType
{
    private static readonly ConcurrentDictionary<Type, WireType> Cache = new();

    /// <summary>docker's strslice.StrSlice fields: dockerd reads a lone string there as a one-element list.</summary>
    private static readonly HashSet<(Type, string)> StrSlices =
    [
        (typeof(ContainerConfig), nameof(ContainerConfig.Cmd)),
        (typeof(ContainerConfig), nameof(ContainerConfig.Entrypoint)),
        (typeof(ContainerConfig), nameof(ContainerConfig.Shell)),
        (typeof(ContainerHostConfig), nameof(ContainerHostConfig.CapAdd)),
        (typeof(ContainerHostConfig), nameof(ContainerHostConfig.CapDrop)),
    ];

    private IReadOnlyList<WireField>? _fields;

    private WireType(Type clr, WireKind kind, string goName, WireType? element = null, bool acceptsString = false)
    {
        ClrType = clr;
        Kind = kind;
        GoName = goName;
        Element = element;
        AcceptsString = acceptsString;
    }

    /// <summary>The CLR type a value of this shape becomes.</summary>
    public Type ClrType { get; }

    public WireKind Kind { get; }

    /// <summary>The Go type docker declares, for Go's error messages ("int64", "[]string", "Mount").</summary>
    public string GoName { get; }

    /// <summary>The element of a list, the value of a map.</summary>
    public WireType? Element { get; }

    /// <summary>A list that also takes a lone string (strslice.StrSlice).</summary>
    public bool AcceptsString { get; }

    /// <summary>An object's fields, in declaration order (embedded ones as one field each).</summary>
    public IReadOnlyList<WireField> Fields => _fields ??= Kind == WireKind.Object ? FieldsOf(ClrType) : [];

    public static WireType Of<T>() => Of(typeof(T));

    public static WireType Of(Type t) => Cache.GetOrAdd(t, Create);

    /// <summary>The range of an integer field's CLR type.</summary>
    public (long Min, long Max) IntegerRange =>
        (Nullable.GetUnderlyingType(ClrType) ?? ClrType) == typeof(int) ? (int.MinValue, int.MaxValue) : (long.MinValue, long.MaxValue);

    private static WireType Create(Type t)
    {
        var plain = Nullable.GetUnderlyingType(t) ?? t;
        if (plain == typeof(string)) return new(t, WireKind.String, "string");
        if (plain == typeof(bool)) return new(t, WireKind.Boolean, "bool");
        if (plain == typeof(long)) return new(t, WireKind.Integer, "int64");
        if (plain == typeof(int)) return new(t, WireKind.Integer, "int");
        if (ListElement(plain) is { } element) { var e = Of(element); return new(t, WireKind.List, "[]" + e.GoName, e); }
        if (MapValue(plain) is { } value) { var v = Of(value); return new(t, WireKind.Map, "map[string]" + v.GoName, v); }
        if (plain.IsClass && plain.GetConstructor(Type.EmptyTypes) != null)
            return new(t, WireKind.Object, plain == typeof(EmptyObject) ? "struct {}" : GoTypeName(plain));
        throw new NotSupportedException($"{t} has no JSON wire shape: add it to {nameof(WireType)}");
    }

    private static IReadOnlyList<WireField> FieldsOf(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0
                        && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p =>
            {
                var type = Of(p.PropertyType);
                if (StrSlices.Contains((t, p.Name))) type = new WireType(type.ClrType, WireKind.List, type.GoName, type.Element, acceptsString: true);
                return new WireField(p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, p, type,
                    p.GetCustomAttribute<GoEmbeddedAttribute>() != null);
            })
            .ToList();

    private static Type? ListElement(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        if (!t.IsGenericType) return null;
        var def = t.GetGenericTypeDefinition();
        return def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IReadOnlyCollection<>)
            || def == typeof(IEnumerable<>) ? t.GetGenericArguments()[0] : null;
    }

    private static Type? MapValue(Type t)
    {
        if (!t.IsGenericType) return null;
        var def = t.GetGenericTypeDefinition();
        var args = t.GetGenericArguments();
        return (def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>) || def == typeof(Dictionary<,>)) && args[0] == typeof(string)
            ? args[1] : null;
    }

    /// <summary>berth's record names without their "Spec" suffix are docker's (MountSpec is mount.Mount).</summary>
    private static string GoTypeName(Type t) => t.Name.EndsWith("Spec", StringComparison.Ordinal) && t.Name.Length > 4 ? t.Name[..^4] : t.Name;
}

/// <summary>One field of an object: its JSON name, the property it sets, its shape, and whether Go embeds it.</summary>
public sealed record WireField(string Name, PropertyInfo Property, WireType Type, bool Embedded);

/// <summary>
/// A Go embedded struct: its fields sit in the enclosing JSON object (container create's body is docker's Config with
/// HostConfig beside its fields).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class GoEmbeddedAttribute : Attribute;
