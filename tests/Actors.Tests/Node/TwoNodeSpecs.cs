using Akka.Actor;
using Berth.Actors.Containers;
using Berth.Actors.Images;
using Berth.Actors.Images.Layers;
using Berth.Actors.Node;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// Two nodes in one process (<see cref="LocalNodes"/>), each with its own store: each node's containers actor knows
/// only its own containers, and a message from one node crosses loopback remoting to the other's /user/node tree
/// (serialised by berth's serializer, as the cluster will carry it): every protocol message has a [Manifest]
/// (WireContractSpecs), so a container or image query asked from one node is answered by the other.
/// </summary>
public sealed class TwoNodeSpecs : IDisposable
{
    private static readonly TimeSpan Long = LocalNodes.Timeout;
    private readonly LocalNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task Each_node_sees_only_its_own_containers_and_reaches_the_others_node_over_the_wire()
    {
        var a = _nodes.Start();
        var b = _nodes.Start();
        Assert.NotEqual(a.DataRoot, b.DataRoot);
        Assert.NotEqual(a.Address, b.Address);

        var image = await a.Children[ImagesActor.Name].Ask<IImageReply>(new ImportImage(new MemoryStream(TinyRootfs()), "tiny", null, null, []), Long);
        Assert.IsType<ImageImported>(image);
        var created = await a.Children[ContainersActor.Name].Ask<object>(
            new CreateContainer("web", new ContainerSpec { Image = "tiny", Process = new() { Command = ["true"] } }), Long);
        var id = Assert.IsType<ContainerCreated>(created).Id;

        Assert.Equal(["web"], Names(await a.Children[ContainersActor.Name].Ask<ContainerList>(new ListContainers(All: true), Long)));
        Assert.Empty(Names(await b.Children[ContainersActor.Name].Ask<ContainerList>(new ListContainers(All: true), Long)));
        Assert.True(Directory.Exists(Path.Combine(a.DataRoot, "containers", id)));
        Assert.False(Directory.Exists(Path.Combine(b.DataRoot, "containers", id)));

        // From a to b's /user/node, and to the event log below it: b answers with b's own (empty) log.
        var identity = await b.From(a, "/user/node").Ask<ActorIdentity>(new Identify("node"), Long);
        Assert.Equal(b.Address, identity.Subject!.Path.Address);
        Assert.Equal("/user/node", identity.Subject.Path.ToStringWithoutAddress());
        Assert.Empty((await b.From(a, "/user/node/events").Ask<EventsFound>(new QueryEvents(0, long.MaxValue), Long)).Events);
        // And back: a's log, asked from b, holds a's container's create.
        var found = await a.From(b, "/user/node/events").Ask<EventsFound>(new QueryEvents(0, long.MaxValue), Long);
        Assert.Contains(found.Events, e => e is { Type: "container", Action: "create" } && e.ActorId == id);
    }

    [Fact]
    public async Task A_node_lists_and_inspects_the_others_containers_and_images_over_the_wire()
    {
        var a = _nodes.Start();
        var b = _nodes.Start();
        var imported = await a.Children[ImagesActor.Name].Ask<IImageReply>(new ImportImage(new MemoryStream(TinyRootfs()), "tiny", null, null, []), Long);
        var imageId = Assert.IsType<ImageImported>(imported).Id;
        var created = await a.Children[ContainersActor.Name].Ask<object>(
            new CreateContainer("web", new ContainerSpec
            {
                Image = "tiny", Process = new() { Command = ["true"] }, Labels = new Dictionary<string, string> { ["tier"] = "front" },
                Restart = new RestartPolicy(RestartPolicyKind.OnFailure, 2),
            }), Long);
        var id = Assert.IsType<ContainerCreated>(created).Id;

        // Asked from b's system, answered by a's actors: the request and the answer both cross loopback remoting.
        var list = await a.From(b, "/user/node/containers").Ask<ContainerList>(new ListContainers(All: true, FilterSet.FromJson("{\"label\":[\"tier=front\"]}")), Long);
        var view = Assert.Single(list.Items);
        Assert.Equal(id, view.Id);
        Assert.Equal("/web", view.Name);
        Assert.Equal("front", view.Spec.Labels!["tier"]);
        Assert.Equal(2, view.Spec.Restart.MaximumRetryCount);
        Assert.Equal("created", view.State.Status);

        var inspected = await a.From(b, "/user/node/images").Ask<IImageReply>(new InspectImage("tiny"), Long);
        Assert.Equal(imageId, Assert.IsType<ImageInspected>(inspected).Image.Id);
        Assert.Contains("tiny:latest", ((ImageInspected)inspected).Image.RepoTags);

        // A refusal crosses too, with its kind.
        var missing = await a.From(b, "/user/node/containers").Ask<object>(new InspectContainer("nope"), Long);
        Assert.Equal(ContainerErrorKind.NotFound, Assert.IsType<ContainerError>(missing).Kind);
        // b's own containers actor still knows none of a's.
        Assert.Empty((await b.From(a, "/user/node/containers").Ask<ContainerList>(new ListContainers(All: true), Long)).Items);
    }

    private static IEnumerable<string> Names(ContainerList list) => list.Items.Select(v => v.Name.TrimStart('/'));

    /// <summary>An image of one directory: enough to create (not run) a container from.</summary>
    private static byte[] TinyRootfs()
    {
        var ms = new MemoryStream();
        var tar = new TarWriter(ms);
        tar.Write(new TarEntry { Name = "tmp", Type = TarEntryType.Directory, Mode = 0b1_111_111_111 });
        tar.Finish();
        return ms.ToArray();
    }
}
