using System.Collections;
using System.Text.Json;

namespace Berth.Host.Api;

/// <summary>
/// Reads a JSON request body into berth's records the way Go's encoding/json reads it into docker's types, so what
/// dockerd accepts is accepted and what it refuses is a 400: null leaves a field at its default (a null list element
/// or map value becomes "" / 0 / false / an empty object, never a null), field names match case-insensitively, unknown
/// fields are ignored, and a value of the wrong JSON type is refused with Go's message. Nothing it returns holds a null
/// inside a list or a map.
/// </summary>
public static class WireDecoder
{
    /// <summary>
    /// The record for <paramref name="json"/>, or null for a JSON null. <paramref name="goType"/> names the body in
    /// messages, as docker's Go type does ("CreateRequest", "UpdateConfig").
    /// </summary>
    public static T? Decode<T>(JsonElement json, string goType) where T : class =>
        json.ValueKind == JsonValueKind.Null ? null : (T)Read(json, WireType.Of<T>(), new Site(goType, ""));

    /// <summary>Where a value sits, for Go's "into Go struct field CreateRequest.HostConfig.Memory" wording.</summary>
    private readonly record struct Site(string Root, string Path)
    {
        public Site Field(string name) => this with { Path = Path.Length == 0 ? name : Path + "." + name };

        public string Describe(WireType type) => Path.Length == 0 ? $"Go value of type {Root}" : $"Go struct field {Root}.{Path} of type {type.GoName}";
    }

    private static object Read(JsonElement json, WireType type, Site site) => type.Kind switch
    {
        WireKind.String => json.ValueKind == JsonValueKind.String ? json.GetString()! : throw Mismatch(json, type, site),
        WireKind.Boolean => json.ValueKind is JsonValueKind.True or JsonValueKind.False ? json.GetBoolean() : throw Mismatch(json, type, site),
        WireKind.Integer => Integer(json, type, site),
        WireKind.List => List(json, type, site),
        WireKind.Map => Map(json, type, site),
        _ => Object(json, type, site),
    };

    private static object Integer(JsonElement json, WireType type, Site site)
    {
        if (json.ValueKind != JsonValueKind.Number) throw Mismatch(json, type, site);
        var (min, max) = type.IntegerRange;
        if (!json.TryGetInt64(out var n) || n < min || n > max)
            throw ApiException.BadRequest($"invalid JSON: json: cannot unmarshal number {json.GetRawText()} into {site.Describe(type)}");
        return (Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType) == typeof(int) ? (object)(int)n : n;
    }

    private static object List(JsonElement json, WireType type, Site site)
    {
        var element = type.Element!;
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element.ClrType))!;
        if (type.AcceptsString && json.ValueKind == JsonValueKind.String)
        {
            list.Add(json.GetString());
            return Shaped(list, type);
        }
        if (json.ValueKind != JsonValueKind.Array) throw Mismatch(json, type, site);
        foreach (var item in json.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.Null ? Zero(element) : Read(item, element, site));
        return Shaped(list, type);
    }

    /// <summary>Arrays for array-typed fields; List&lt;T&gt; serves the list interfaces.</summary>
    private static object Shaped(IList list, WireType type)
    {
        if (!type.ClrType.IsArray) return list;
        var array = Array.CreateInstance(type.Element!.ClrType, list.Count);
        list.CopyTo(array, 0);
        return array;
    }

    private static object Map(JsonElement json, WireType type, Site site)
    {
        if (json.ValueKind != JsonValueKind.Object) throw Mismatch(json, type, site);
        var value = type.Element!;
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), value.ClrType))!;
        foreach (var p in json.EnumerateObject())
            map[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? Zero(value) : Read(p.Value, value, site);
        return map;
    }

    private static object Object(JsonElement json, WireType type, Site site)
    {
        if (json.ValueKind != JsonValueKind.Object) throw Mismatch(json, type, site);
        var target = Activator.CreateInstance(Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType)!;
        // Go allocates an embedded struct once one of its fields appears; otherwise it stays nil.
        foreach (var embedded in type.Fields.Where(f => f.Embedded && Mentions(json, f.Type)))
            embedded.Property.SetValue(target, Object(json, embedded.Type, site));
        foreach (var p in json.EnumerateObject())
        {
            // Go matches the exact name first, then any case.
            var field = type.Fields.FirstOrDefault(f => !f.Embedded && f.Name == p.Name)
                        ?? type.Fields.FirstOrDefault(f => !f.Embedded && string.Equals(f.Name, p.Name, StringComparison.OrdinalIgnoreCase));
            if (field == null || p.Value.ValueKind == JsonValueKind.Null) continue;
            field.Property.SetValue(target, Read(p.Value, field.Type, site.Field(field.Name)));
        }
        return target;
    }

    private static bool Mentions(JsonElement json, WireType type) =>
        json.EnumerateObject().Any(p => type.Fields.Any(f => string.Equals(f.Name, p.Name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Go's zero value, for a null inside a list or a map.</summary>
    private static object Zero(WireType type) => type.Kind switch
    {
        WireKind.String => "",
        WireKind.Boolean => false,
        WireKind.Integer => (Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType) == typeof(int) ? (object)0 : 0L,
        WireKind.List => Shaped((IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.Element!.ClrType))!, type),
        WireKind.Map => Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), type.Element!.ClrType))!,
        _ => Activator.CreateInstance(Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType)!,
    };

    private static ApiException Mismatch(JsonElement json, WireType type, Site site) =>
        ApiException.BadRequest($"invalid JSON: json: cannot unmarshal {GoKind(json)} into {site.Describe(type)}");

    private static string GoKind(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
