using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Images;
using Berth.Actors.Images.Store;
using Berth.Actors.Node;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// /user/node owns the node's actors and states how it treats their failures: corrupt state (or a broken runtime
/// contract) stops the failing child and reports it; transient I/O restarts it; either way its siblings and the node
/// itself carry on untouched. Two stand-in children ("flaky", which fails on request, and "steady", which remembers
/// what it was told) run next to the real events, images and containers actors.
/// </summary>
public sealed class NodeSupervisionSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir;
    private readonly TestProbe _starts;
    private readonly TestProbe _reports;

    public NodeSupervisionSpecs() : this(new TempDir()) { }

    private NodeSupervisionSpecs(TempDir dir) : base(Akka.Configuration.ConfigurationFactory.ParseString(
        // The serializer binding without verifying local messages: the Sql journal's own WriteFinished (a running Task)
        // cannot be serialized, and the journal runs here (see LocalNodes).
        WireConfig.Binding + "\n" + SqliteStore.Hocon(Directory.CreateDirectory(dir.Combine("data")).FullName)))
    {
        _dir = dir;
        _starts = CreateTestProbe();
        _reports = CreateTestProbe();
        Sys.EventStream.Subscribe(_reports.Ref, typeof(ChildStopped));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public void The_node_creates_its_children_under_kebab_case_names_and_hands_out_their_refs()
    {
        var (node, children) = StartNode();

        Assert.Equal(["containers", "events", "flaky", "images", "steady"], children.Children.Keys.Order());
        Assert.Equal("/user/node/containers", children[ContainersActor.Name].Path.ToStringWithoutAddress());
        Assert.Equal("/user/node/images", children[ImagesActor.Name].Path.ToStringWithoutAddress());
        Assert.Equal("/user/node/events", children[EventLogActor.Name].Path.ToStringWithoutAddress());
        Assert.All(children.Children.Values, c => Assert.Equal(node.Path, c.Path.Parent));
    }

    [Fact]
    public void A_child_with_corrupt_state_is_stopped_and_reported_and_its_siblings_carry_on()
    {
        var (node, children) = StartNode();
        var flaky = children["flaky"];
        var steady = children["steady"];
        Assert.Equal(1, Count(steady));
        Watch(flaky);

        flaky.Tell(new Flaky.Fail(new CorruptStateException("the index names a layer twice")));

        ExpectTerminated(flaky, Long);
        var report = _reports.ExpectMsg<ChildStopped>(Long);
        Assert.Equal("/user/node/flaky", report.Path);
        Assert.Equal("fatal", report.Why);
        Assert.Contains("the index names a layer twice", report.Failure);
        AssertSiblingsUntouched(node, children, steady, countBefore: 1);
    }

    [Fact]
    public void An_images_actor_whose_index_does_not_parse_is_stopped_and_reported_and_the_containers_and_events_carry_on()
    {
        var (node, children) = StartNode(corruptImageIndex: true);

        var report = _reports.ExpectMsg<ChildStopped>(Long);
        Assert.Equal("/user/node/images", report.Path);
        Assert.Equal("fatal", report.Why);
        Assert.Contains("is not a valid image index", report.Failure);
        children[ContainersActor.Name].Tell(new ListContainers(All: true));
        Assert.Empty(ExpectMsg<ContainerList>(Long).Items);
        children[EventLogActor.Name].Tell(new QueryEvents(0, long.MaxValue));
        ExpectMsg<EventsFound>(Long);
        Assert.Equal(1, Count(children["steady"]));
        Assert.Equal(children[ContainersActor.Name], Identify(node, ContainersActor.Name));
    }

    [Fact]
    public void A_child_whose_runtime_broke_its_contract_is_stopped_and_reported()
    {
        var (_, children) = StartNode();
        var flaky = children["flaky"];
        Watch(flaky);

        flaky.Tell(new Flaky.Fail(new RuntimeContractException("the shim answered a start with an unknown status")));

        ExpectTerminated(flaky, Long);
        Assert.Equal("/user/node/flaky", _reports.ExpectMsg<ChildStopped>(Long).Path);
    }

    [Fact]
    public void A_child_that_failed_on_transient_io_is_restarted_in_place_and_its_siblings_carry_on()
    {
        var (node, children) = StartNode();
        var flaky = children["flaky"];
        var steady = children["steady"];
        Assert.Equal(1, Count(flaky));
        Assert.Equal(1, Count(steady));

        flaky.Tell(new Flaky.Fail(new TransientIoException("database is locked")));
        flaky.Tell(Flaky.Count.Instance); // waits in the mailbox through the back-off

        Assert.Equal("flaky", _starts.ExpectMsg<Flaky.Started>(Long).Name);
        Assert.Equal(1, ExpectMsg<Flaky.Counted>(Long).Value); // a new incarnation: what the old one counted is gone
        Assert.Equal(flaky, Identify(node, "flaky")); // the same ref: whoever holds it still reaches the child
        AssertSiblingsUntouched(node, children, steady, countBefore: 1);
    }

    [Fact]
    public void An_io_exception_of_the_platform_counts_as_transient()
    {
        var (_, children) = StartNode();
        var flaky = children["flaky"];

        flaky.Tell(new Flaky.Fail(new IOException("Resource temporarily unavailable")));

        Assert.Equal("flaky", _starts.ExpectMsg<Flaky.Started>(Long).Name);
        Assert.Equal(1, Count(flaky));
    }

    /// <summary>
    /// The real children are the refs handed out before the failure and still answer; "steady" still holds what it was
    /// told, so it was neither restarted nor re-created; the node still answers too.
    /// </summary>
    private void AssertSiblingsUntouched(IActorRef node, NodeChildren before, IActorRef steady, int countBefore)
    {
        Assert.Equal(countBefore + 1, Count(steady));
        foreach (var name in new[] { EventLogActor.Name, ImagesActor.Name, ContainersActor.Name })
            Assert.Equal(before[name], Identify(node, name));
        before[ContainersActor.Name].Tell(new ListContainers(All: true));
        Assert.Empty(ExpectMsg<ContainerList>(Long).Items);
        before[EventLogActor.Name].Tell(new QueryEvents(0, long.MaxValue));
        ExpectMsg<EventsFound>(Long);
        node.Tell(GetNodeChildren.Instance);
        Assert.Contains("steady", ExpectMsg<NodeChildren>(Long).Children.Keys);
    }

    private (IActorRef Node, NodeChildren Children) StartNode(bool corruptImageIndex = false)
    {
        if (corruptImageIndex)
        {
            Directory.CreateDirectory(_dir.Combine("data", "images"));
            File.WriteAllText(_dir.Combine("data", "images", "index.json"), "{\"images\": [ torn");
        }
        var settings = new NodeSettings(
            new ContainerSettings(_dir.Combine("data"), _dir.Combine("exec"), "/nonexistent/berth-shim",
                new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime"),
            ImageStore.Open(_dir.Combine("data")), SqliteStore.ReadJournalId);
        var layout = NodeActor.Layout(settings)
            .Append(new NodeChild("flaky", _ => Flaky.Props(_starts.Ref)))
            .Append(new NodeChild("steady", _ => Flaky.Props(CreateTestProbe().Ref)))
            .ToList();
        var node = Sys.ActorOf(NodeActor.Props(layout), NodeActor.Name);
        _starts.ExpectMsg<Flaky.Started>(Long);
        node.Tell(GetNodeChildren.Instance);
        return (node, ExpectMsg<NodeChildren>(Long));
    }

    private int Count(IActorRef child)
    {
        child.Tell(Flaky.Count.Instance);
        return ExpectMsg<Flaky.Counted>(Long).Value;
    }

    private IActorRef Identify(IActorRef node, string child)
    {
        var id = Guid.NewGuid().ToString(); // a string: the id is serialized on the way (serialize-messages), a Guid would come back as text
        Sys.ActorSelection(node.Path / child).Tell(new Identify(id));
        return ExpectMsg<ActorIdentity>(i => Equals(i.MessageId, id), Long).Subject!;
    }
}
