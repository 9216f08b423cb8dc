using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using Akka.Actor;
using CsCheck;

namespace Berth.Actors.Tests.Protocol;

/// <summary>
/// Builds values of any protocol record by reflection, so every message type (including ones added later) gets
/// generated samples without a hand-written generator: primary constructor arguments and init properties are filled,
/// nullable members are sometimes null, lists and maps have 0-2 entries. A member whose type it cannot build (an
/// object, an interface, a stream) is reported: such a field does not survive the JSON serializer either.
/// </summary>
public sealed class MessageGen(IActorRef someActor)
{
    private readonly NullabilityInfoContext _nullability = new();
    private readonly Dictionary<Type, Gen<object?>> _made = [];

    private static readonly Gen<string> Text = Gen.Char["abcz09/:.-_ é\"\\\n"].Array[0, 8].Select(cs => new string(cs));

    public Gen<object?> For(Type t)
    {
        if (_made.TryGetValue(t, out var made)) return made;
        var gen = Make(t);
        _made[t] = gen;
        return gen;
    }

    private Gen<object?> Make(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner) return OrNull(For(inner));
        if (t == typeof(string)) return Text.Select(s => (object?)s);
        if (t == typeof(bool)) return Gen.Bool.Select(b => (object?)b);
        if (t == typeof(int)) return Gen.Int.Select(i => (object?)i);
        if (t == typeof(long)) return Gen.Long.Select(i => (object?)i);
        if (t == typeof(double)) return Gen.Int.Select(i => (object?)(i / 7.0));
        if (t == typeof(Guid)) return Gen.Guid.Select(g => (object?)g);
        if (t == typeof(TimeSpan)) return Gen.Long[-TimeSpan.TicksPerDay * 400, TimeSpan.TicksPerDay * 400].Select(x => (object?)TimeSpan.FromTicks(x));
        if (t == typeof(DateTimeOffset))
            return Gen.Select(Gen.Long[DateTimeOffset.UnixEpoch.Ticks, DateTimeOffset.UnixEpoch.Ticks + TimeSpan.TicksPerDay * 365 * 80], Gen.Int[-14 * 4, 14 * 4],
                (ticks, quarters) => (object?)new DateTimeOffset(ticks, TimeSpan.FromMinutes(15 * quarters)));
        if (t.IsEnum) return Gen.OneOf(Enum.GetValues(t).Cast<object?>().ToArray());
        if (t == typeof(IActorRef)) return Gen.Const<object?>(someActor);
        // Raw JSON kept as read (0.1.0's docker-shaped records, upcast on replay).
        if (t == typeof(System.Text.Json.JsonElement))
            return Text.Select(v => (object?)System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["v"] = v }));
        if (t.IsArray) return ListOf(t.GetElementType()!).Select(l => { var a = Array.CreateInstance(t.GetElementType()!, l.Count); l.CopyTo(a, 0); return (object?)a; });
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var g
            && (g == typeof(IReadOnlyList<>) || g == typeof(List<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>) || g == typeof(IReadOnlyCollection<>)))
            return ListOf(t.GetGenericArguments()[0]).Select(l => (object?)l);
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyDictionary<,>) || d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>)))
            return MapOf(t.GetGenericArguments()[0], t.GetGenericArguments()[1]);
        if (t.IsInterface || t.IsAbstract || t == typeof(object) || typeof(Stream).IsAssignableFrom(t) || typeof(Delegate).IsAssignableFrom(t))
            throw new NotSupportedException($"{t} is polymorphic or a handle: it cannot be carried as data");
        return RecordOf(t);
    }

    private static Gen<object?> OrNull(Gen<object?> gen) => Gen.Select(Gen.Int[0, 3], gen, (i, v) => i == 0 ? null : v);

    private Gen<IList> ListOf(Type element)
    {
        var item = For(element);
        return item.List[0, 2].Select(items =>
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var i in items) list.Add(i);
            return list;
        });
    }

    private Gen<object?> MapOf(Type key, Type value)
    {
        var entry = Gen.Select(For(key), For(value));
        return entry.List[0, 2].Select(entries =>
        {
            var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            foreach (var (k, v) in entries) map[k!] = v;
            return (object?)map;
        });
    }

    /// <summary>The widest public constructor, then every settable property it does not cover.</summary>
    private Gen<object?> RecordOf(Type t)
    {
        var ctor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new NotSupportedException($"{t} has no public constructor");
        var parameters = ctor.GetParameters();
        var covered = parameters.Select(p => p.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settable = DataProperties(t).Where(p => p.SetMethod is { IsPublic: true } && !covered.Contains(p.Name)).ToArray();
        var members = parameters.Select(p => Member(p.ParameterType, _nullability.Create(p), p.Name!, t))
            .Concat(settable.Select(p => Member(p.PropertyType, _nullability.Create(p), p.Name, t))).ToArray();

        var all = Gen.Const(Array.Empty<object?>());
        foreach (var m in members) all = all.SelectMany(values => m.Select(v => (object?[])[.. values, v]));
        return all.Select(values =>
        {
            var o = ctor.Invoke(values[..parameters.Length]);
            for (var i = 0; i < settable.Length; i++) settable[i].SetValue(o, values[parameters.Length + i]);
            return (object?)o;
        });
    }

    private Gen<object?> Member(Type type, NullabilityInfo info, string name, Type owner)
    {
        try
        {
            var gen = For(type);
            return !type.IsValueType && info.WriteState == NullabilityState.Nullable ? OrNull(gen) : gen;
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"{owner.Name}.{name}: {e.Message}", e);
        }
    }

    /// <summary>The properties that make up a record's value: public, instance, not indexers, not computed from others.</summary>
    public static IEnumerable<PropertyInfo> DataProperties(Type t) => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod != null && p.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition != JsonIgnoreCondition.Always)
        .Where(p => p.Name != "EqualityContract");
}
