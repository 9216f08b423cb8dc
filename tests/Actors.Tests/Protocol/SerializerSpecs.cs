using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Tests.Protocol;

/// <summary>Every protocol type is bound to our serializer under a unique, stable manifest and survives a round trip.</summary>
public sealed class SerializerSpecs : Akka.TestKit.Xunit.TestKit
{
    public SerializerSpecs() : base(ConfigurationFactory.ParseString("""
        akka.actor.serializers.berth = "Berth.Actors.Protocol.Serialization.BerthJsonSerializer, Berth.Actors"
        akka.actor.serialization-bindings { "Berth.Actors.Protocol.IBerthMessage, Berth.Actors" = berth }
        """)) { }

    [Fact]
    public void Manifests_are_unique()
    {
        var manifests = BerthJsonSerializer.Registered.Values.ToList();
        Assert.Equal(manifests.Count, manifests.Distinct().Count());
    }

    [Fact]
    public void Events_round_trip_through_the_serializer_akka_picks()
    {
        var original = new EventRecorded(new EngineEvent("image", "tag", "sha256:abc", new Dictionary<string, string> { ["name"] = "busybox:latest" }, 42));
        var serializer = Sys.Serialization.FindSerializerFor(original);
        Assert.IsType<BerthJsonSerializer>(serializer);
        var manifest = ((SerializerWithStringManifest)serializer).Manifest(original);
        Assert.Equal("events.recorded.v1", manifest);
        var back = (EventRecorded)Sys.Serialization.Deserialize(serializer.ToBinary(original), serializer.Identifier, manifest);
        Assert.Equal(original.Event.ActorId, back.Event.ActorId);
        Assert.Equal("busybox:latest", back.Event.Attributes["name"]);
        Assert.Equal(42, back.Event.TimeNano);
    }

    [Fact]
    public void Error_kinds_travel_by_name_and_numbers_written_before_still_read()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(ContainerError));
        var bytes = serializer.ToBinary(new ContainerError(ContainerErrorKind.Conflict, "in use"));
        Assert.Contains("\"Conflict\"", System.Text.Encoding.UTF8.GetString(bytes));
        var old = (ContainerError)serializer.FromBinary("{\"kind\":1,\"message\":\"in use\"}"u8.ToArray(), "container.error.v1");
        Assert.Equal(ContainerErrorKind.Conflict, old.Kind);
    }

    [Fact]
    public void An_actor_reference_comes_back_as_the_same_actor()
    {
        var original = new SubscribeEvents(TestActor);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(original);
        var back = (SubscribeEvents)serializer.FromBinary(serializer.ToBinary(original), serializer.Manifest(original));
        Assert.Equal(TestActor, back.Subscriber);
        back.Subscriber.Tell("reached");
        ExpectMsg("reached");
    }

    [Fact]
    public void An_unknown_manifest_is_a_serialization_error_not_a_crash()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(EventRecorded));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(object? () => serializer.FromBinary("{}"u8.ToArray(), "no.such.v1"));
    }
}
