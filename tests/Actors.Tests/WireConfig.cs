using Akka.Configuration;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Tests;

/// <summary>
/// The actor system settings every actor spec runs under: berthd's serializer bound to <see cref="IBerthMessage"/>, and
/// every message sent (not only those that leave the process) serialized and deserialized on the way, so a spec that
/// passes proves its messages could cross to another node. Props stay local (serialize-creators off): they carry
/// settings and handles that are never sent.
/// </summary>
public static class WireConfig
{
    /// <summary>berthd's serializer binding alone, without verifying every local message.</summary>
    public static readonly string Binding = $$"""
        akka.actor.serializers.berth = "{{typeof(BerthJsonSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings {
          "{{typeof(IBerthMessage).AssemblyQualifiedName}}" = berth
        }
        """;

    // after Binding: static fields initialise in order
    public static readonly string Hocon = $$"""
        akka.actor.serialize-messages = on
        akka.actor.serialize-creators = off
        {{Binding}}
        """;

    /// <summary><see cref="Hocon"/> with a spec's own settings in front (they win over the defaults, not over these).</summary>
    public static Config With(string more = "") => ConfigurationFactory.ParseString(more + "\n" + Hocon);
}
