using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Berth.Actors.Protocol.Serialization;

/// <summary>
/// The one serializer of every <see cref="IBerthMessage"/>: System.Text.Json with the stable manifest from
/// each type's <see cref="ManifestAttribute"/>, so renaming a class never breaks the journal.
/// </summary>
public sealed class BerthJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4242;

    // Only types with a [Manifest] can be stored or sent; a local-only message without one fails loudly if it ever is.
    private static readonly FrozenDictionary<Type, string> Manifests = typeof(IBerthMessage).Assembly.GetTypes()
        .Where(t => typeof(IBerthMessage).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
        .Select(t => (Type: t, Name: t.GetCustomAttribute<ManifestAttribute>()?.Name))
        .Where(t => t.Name != null)
        .ToFrozenDictionary(t => t.Type, t => t.Name!);

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override int Identifier => Id;

    /// <summary>Every registered type and its manifest (for tests and diagnostics).</summary>
    public static IReadOnlyDictionary<Type, string> Registered => Manifests;

    public override string Manifest(object o) => Manifests.TryGetValue(o.GetType(), out var m)
        ? m : throw new SerializationException($"{o.GetType()} has no [Manifest]: it cannot be stored or sent");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) => Types.TryGetValue(manifest, out var t)
        ? JsonSerializer.Deserialize(bytes, t, Json) ?? throw new SerializationException($"null payload for {manifest}")
        : throw new SerializationException($"unknown manifest {manifest}"); // lets remoting drop, not disconnect
}
