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

    private static readonly FrozenDictionary<Type, string> Manifests = typeof(IBerthMessage).Assembly.GetTypes()
        .Where(t => typeof(IBerthMessage).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
        .ToFrozenDictionary(t => t, t => t.GetCustomAttribute<ManifestAttribute>()?.Name
            ?? throw new InvalidOperationException($"{t.FullName} is an IBerthMessage without a [Manifest]"));

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override int Identifier => Id;

    /// <summary>Every registered type and its manifest (for tests and diagnostics).</summary>
    public static IReadOnlyDictionary<Type, string> Registered => Manifests;

    public override string Manifest(object o) => Manifests.TryGetValue(o.GetType(), out var m)
        ? m : throw new ArgumentException($"no manifest for {o.GetType()}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) => Types.TryGetValue(manifest, out var t)
        ? JsonSerializer.Deserialize(bytes, t, Json) ?? throw new SerializationException($"null payload for {manifest}")
        : throw new SerializationException($"unknown manifest {manifest}"); // lets remoting drop, not disconnect
}
