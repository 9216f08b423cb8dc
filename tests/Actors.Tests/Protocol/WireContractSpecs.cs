using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Serialization;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;
using CsCheck;

namespace Berth.Actors.Tests.Protocol;

/// <summary>
/// The wire contract of berth's messages, checked over the whole Berth.Actors assembly so that a message added later is
/// held to it without anyone listing it: every <see cref="IBerthMessage"/> (every command, reply and persisted event)
/// has its own stable manifest and survives berth's serializer unchanged; every other protocol record is either part of
/// such a message or declared node-local (<see cref="INoSerializationVerificationNeeded"/>).
/// </summary>
public sealed partial class WireContractSpecs() : Akka.TestKit.Xunit.TestKit(WireConfig.With())
{
    private static readonly Type[] AllTypes = typeof(IBerthMessage).Assembly.GetTypes();

    public static readonly Type[] Messages = AllTypes
        .Where(t => typeof(IBerthMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.FullName).ToArray();

    public static TheoryData<string> MessageNames() => [.. Messages.Select(t => t.FullName!)];

    private static bool IsNodeLocal(Type t) => typeof(INoSerializationVerificationNeeded).IsAssignableFrom(t);

    [Fact]
    public void Every_message_has_a_manifest()
    {
        Assert.NotEmpty(Messages);
        Assert.Empty(Messages.Where(t => t.GetCustomAttribute<ManifestAttribute>() == null).Select(t => t.FullName));
        Assert.Equal(Messages.Length, BerthJsonSerializer.Registered.Count);
    }

    [Fact]
    public void No_two_types_share_a_manifest()
    {
        var shared = AllTypes.Select(t => (Type: t, t.GetCustomAttribute<ManifestAttribute>()?.Name)).Where(m => m.Name != null)
            .GroupBy(m => m.Name).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Type.Name))}");
        Assert.Empty(shared);
    }

    [Fact]
    public void Manifests_read_kind_verb_version_in_kebab_case()
    {
        Assert.Empty(BerthJsonSerializer.Registered.Values.Where(m => !ManifestShape().IsMatch(m)));
    }

    [Fact]
    public void Only_messages_carry_a_manifest_and_none_is_both_sent_and_node_local()
    {
        Assert.Empty(AllTypes.Where(t => t.GetCustomAttribute<ManifestAttribute>() != null && !typeof(IBerthMessage).IsAssignableFrom(t)));
        Assert.Empty(Messages.Where(IsNodeLocal));
    }

    [Fact]
    public void Every_command_of_the_node_actors_is_a_message_or_declared_node_local()
    {
        var commands = AllTypes.Where(t => t is { IsAbstract: false, IsInterface: false }
            && (typeof(IContainerCommand).IsAssignableFrom(t) || typeof(IImageCommand).IsAssignableFrom(t)));
        Assert.Empty(commands.Where(t => !typeof(IBerthMessage).IsAssignableFrom(t) && !IsNodeLocal(t)).Select(t => t.FullName));
    }

    [Fact]
    public void Every_protocol_record_is_a_message_part_of_one_or_declared_node_local()
    {
        var carried = new HashSet<Type>();
        foreach (var m in Messages) Carried(m, carried);
        var loose = AllTypes.Where(t => t.Namespace == typeof(IBerthMessage).Namespace && t is { IsClass: true, IsAbstract: false, IsPublic: true })
            .Where(t => !typeof(Exception).IsAssignableFrom(t) && !typeof(Attribute).IsAssignableFrom(t))
            .Where(t => !typeof(IBerthMessage).IsAssignableFrom(t) && !IsNodeLocal(t) && !carried.Contains(t));
        Assert.Empty(loose.Select(t => t.FullName));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void A_message_survives_the_serializer_akka_picks_for_it(string name)
    {
        var type = Messages.Single(t => t.FullName == name);
        var gen = new MessageGen(TestActor).For(type);
        gen.Sample(original =>
        {
            var serializer = Sys.Serialization.FindSerializerFor(original);
            Assert.IsType<BerthJsonSerializer>(serializer);
            var manifest = ((SerializerWithStringManifest)serializer).Manifest(original!);
            var back = Sys.Serialization.Deserialize(serializer.ToBinary(original), serializer.Identifier, manifest);
            Assert.IsType(type, back);
            SameValue(original, back, type.Name);
        }, iter: 40);
    }

    /// <summary>Value equality all the way down: records property by property, lists in order, maps by key, times with their offset.</summary>
    private static void SameValue(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} became {actual ?? "null"}");
            return;
        }
        switch (expected)
        {
            case string or bool or int or long or double or Guid or TimeSpan or Enum or IActorRef:
                Assert.True(expected.Equals(actual), $"{path}: {expected} became {actual}");
                return;
            case DateTimeOffset e:
                Assert.True(e.EqualsExact((DateTimeOffset)actual), $"{path}: {e:O} became {actual:O}");
                return;
            case System.Text.Json.JsonElement e:
                Assert.True(System.Text.Json.JsonElement.DeepEquals(e, (System.Text.Json.JsonElement)actual), $"{path}: {e} became {actual}");
                return;
            case IDictionary e:
                var a = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.True(e.Count == a.Count, $"{path}: {e.Count} entries became {a.Count}");
                foreach (DictionaryEntry entry in e)
                {
                    Assert.True(a.Contains(entry.Key), $"{path}: key {entry.Key} lost");
                    SameValue(entry.Value, a[entry.Key], $"{path}[{entry.Key}]");
                }
                return;
            case IEnumerable e:
                var expectedItems = e.Cast<object?>().ToList();
                var actualItems = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(expectedItems.Count == actualItems.Count, $"{path}: {expectedItems.Count} items became {actualItems.Count}");
                for (var i = 0; i < expectedItems.Count; i++) SameValue(expectedItems[i], actualItems[i], $"{path}[{i}]");
                return;
        }
        Assert.Equal(expected.GetType(), actual.GetType());
        foreach (var p in MessageGen.DataProperties(expected.GetType()))
            SameValue(p.GetValue(expected), p.GetValue(actual), $"{path}.{p.Name}");
    }

    /// <summary>The record types a message is made of, transitively.</summary>
    private static void Carried(Type t, HashSet<Type> seen)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner) t = inner;
        if (t.IsArray) { Carried(t.GetElementType()!, seen); return; }
        if (t.IsGenericType) { foreach (var a in t.GetGenericArguments()) Carried(a, seen); }
        if (t.Assembly != typeof(IBerthMessage).Assembly && t.Assembly.GetName().Name?.StartsWith("Berth") != true) return;
        if (!seen.Add(t)) return;
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance)) Carried(p.PropertyType, seen);
    }

    [GeneratedRegex(@"^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*\.v[0-9]+$")]
    private static partial Regex ManifestShape();
}
