using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers;

/// <summary>
/// A create waits for the images actor without holding up the containers actor: other requests are answered meanwhile,
/// the name is held for it, the new container gets the id its image is held for, and a failed create gives both back.
/// </summary>
public sealed class ContainersActorCreateSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly string ImageId = "sha256:" + new string('a', 64);
    private readonly TempDir _dir = new();
    private readonly TestProbe _images;
    private readonly IActorRef _containers;

    public ContainersActorCreateSpecs() : base(WireConfig.With())
    {
        _images = CreateTestProbe();
        var settings = new ContainerSettings(_dir.Combine("data"), _dir.Combine("exec"), "/nonexistent/berth-shim",
            new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime");
        _containers = Sys.ActorOf(ContainersActor.Props(settings, _images.Ref, new EventLogSink(CreateTestProbe().Ref)), "containers");
        _images.ExpectMsg<ImageUsageComplete>(Long);   // nothing to recover
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public void While_a_create_waits_for_its_image_other_requests_are_answered_and_its_name_is_taken()
    {
        var first = CreateTestProbe();
        _containers.Tell(Create("web"), first);
        var resolve = _images.ExpectMsg<ResolveImage>(Long);
        Assert.NotNull(resolve.ForContainer);

        _containers.Tell(new ListContainers(All: true));
        Assert.Empty(ExpectMsg<ContainerList>(Long).Items);
        _containers.Tell(Create("web"));
        Assert.Equal(ContainerErrorKind.Conflict, ExpectMsg<ContainerError>(Long).Kind);

        _images.Reply(new ImageResolved(ImageId, new ContainerConfig { Cmd = ["sh"] }, ["sha256:" + new string('1', 64)]));
        // The images actor holds the image for this id since it answered (ResolveImage.ForContainer).
        Assert.Equal(resolve.ForContainer, first.ExpectMsg<ContainerCreated>(Long).Id);
    }

    [Fact]
    public void A_create_refused_after_its_image_was_resolved_gives_the_image_and_the_name_back()
    {
        _containers.Tell(new CreateContainer("web", new ContainerSpec { Image = "busybox" }));
        var resolve = _images.ExpectMsg<ResolveImage>(Long);
        _images.Reply(new ImageResolved(ImageId, new ContainerConfig(), []));   // an image without a command

        Assert.Equal("No command specified", ExpectMsg<ContainerError>(Long).Message);
        Assert.Equal(resolve.ForContainer, _images.ExpectMsg<ImageReleased>(Long).ContainerId);
        _containers.Tell(Create("web"));
        _images.ExpectMsg<ResolveImage>(Long);
        _images.Reply(new ImageResolved(ImageId, new ContainerConfig { Cmd = ["sh"] }, []));
        ExpectMsg<ContainerCreated>(Long);
    }

    [Fact]
    public void A_create_leaves_no_unhandled_message_and_no_dead_letter()
    {
        var lost = CreateTestProbe();
        Sys.EventStream.Subscribe(lost.Ref, typeof(UnhandledMessage));
        Sys.EventStream.Subscribe(lost.Ref, typeof(DeadLetter));
        _containers.Tell(Create("web"));
        _images.ExpectMsg<ResolveImage>(Long);
        _images.Reply(new ImageResolved(ImageId, new ContainerConfig { Cmd = ["sh"] }, []));
        var id = ExpectMsg<ContainerCreated>(Long).Id;

        // The container answers after its reconnect, which reports its execs to the containers actor; the list that
        // follows is handled after that report.
        _containers.Tell(new InspectContainer(id));
        ExpectMsg<ContainerInspected>(Long);
        _containers.Tell(new ListContainers(All: true));
        Assert.Single(ExpectMsg<ContainerList>(Long).Items);

        var lostMessages = new List<object>();
        while (lost.HasMessages) lostMessages.Add(lost.ReceiveOne(TimeSpan.Zero)!);
        Assert.Empty(lostMessages.Select(m => m switch
        {
            UnhandledMessage u => u.Message,
            DeadLetter d => d.Message,
            _ => m,
        }));
    }

    private static CreateContainer Create(string name) => new(name, new ContainerSpec { Image = "busybox", Process = new() { Command = ["true"] } });
}
