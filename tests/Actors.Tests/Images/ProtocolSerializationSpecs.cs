using System.Text.Json;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Images;

/// <summary>Image messages that cross actor boundaries survive System.Text.Json, the serializer bound to IBerthMessage.</summary>
public sealed class ProtocolSerializationSpecs
{
    public static TheoryData<IBerthMessage> Messages() =>
    [
        new ListImages(true, FilterSet.FromJson("{\"label\":{\"a=b\":true},\"dangling\":[\"true\"]}")),
        new InspectImage("busybox"),
        new RemoveImage("busybox:local", true, false),
        new TagImage("a", "docker.io/library/b", "c"),
        new ImageRemoved([ImageDeleteResponseItem.UntaggedRef("x:1"), ImageDeleteResponseItem.DeletedId("sha256:00")]),
        new ImageError(ImageErrorKind.Conflict, "conflict"),
        new ImageResolved("sha256:00", new ContainerConfig { Cmd = ["sh"], ExposedPorts = new Dictionary<string, EmptyObject> { ["80/tcp"] = EmptyObject.Instance } }, ["sha256:11"]),
        new ImagesPruned(new ImagePruneResponse(null, 0)),
        new ContainerImageUse("c", "sha256:00", true, ["sha256:11"]),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Messages_round_trip(IBerthMessage message)
    {
        var json = JsonSerializer.Serialize(message, message.GetType());
        var back = (IBerthMessage)JsonSerializer.Deserialize(json, message.GetType())!;
        Assert.Equal(json, JsonSerializer.Serialize(back, message.GetType()));
    }

    [Fact]
    public void Delete_items_carry_only_the_field_that_is_set()
    {
        Assert.Equal("[{\"Untagged\":\"busybox:local\"},{\"Deleted\":\"sha256:ab\"}]",
            JsonSerializer.Serialize(new[] { ImageDeleteResponseItem.UntaggedRef("busybox:local"), ImageDeleteResponseItem.DeletedId("sha256:ab") }));
        Assert.Equal("{\"ImagesDeleted\":null,\"SpaceReclaimed\":0}", JsonSerializer.Serialize(new ImagePruneResponse(null, 0)));
    }
}
