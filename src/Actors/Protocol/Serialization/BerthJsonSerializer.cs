using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Berth.Actors.Protocol.Serialization;

/// <summary>
/// The one serializer of every <see cref="IBerthMessage"/>: System.Text.Json with the stable manifest from
/// each type's <see cref="ManifestAttribute"/>, so renaming a class never breaks the journal or a node of another version.
/// Actor references travel as their full path (resolved again by the receiving system); enums travel by name, so
/// adding a member never shifts the meaning of another (numbers written before are still read).
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

    /// <summary>The same JSON for code that runs without an actor system (store migrations): all but actor references.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new ActorRefConverter(system), new JsonStringEnumConverter() },
    };

    public override int Identifier => Id;

    /// <summary>Every registered type and its manifest (for tests and diagnostics).</summary>
    public static IReadOnlyDictionary<Type, string> Registered => Manifests;

    public override string Manifest(object o) => Manifests.TryGetValue(o.GetType(), out var m)
        ? m : throw new SerializationException($"{o.GetType()} has no [Manifest]: it cannot be stored or sent");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _json);

    public override object FromBinary(byte[] bytes, string manifest) => Types.TryGetValue(manifest, out var t)
        ? JsonSerializer.Deserialize(bytes, t, _json) ?? throw new SerializationException($"null payload for {manifest}")
        : throw new SerializationException($"unknown manifest {manifest}"); // lets remoting drop, not disconnect

    /// <summary>
    /// An <see cref="IActorRef"/> as Akka writes it for the transport at hand (with this node's address when it goes to
    /// another node), resolved by the receiving system into a reference that reaches the original actor.
    /// </summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override bool HandleNull => true;

        public override IActorRef? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null
            : reader.GetString() is { Length: > 0 } path ? system.Provider.ResolveActorRef(path)
            : ActorRefs.Nobody;

        public override void Write(Utf8JsonWriter writer, IActorRef? value, JsonSerializerOptions options)
        {
            if (value is null) writer.WriteNullValue();
            else writer.WriteStringValue(value is Nobody ? "" : Akka.Serialization.Serialization.SerializedActorPath(value));
        }
    }
}
