using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Node;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// The containers actor's choice for its container actors: corrupt state stops one and reports it, and the next
/// request for that container recovers it from the journal; transient I/O restarts it in place; the other containers
/// are never touched. The failure is raised the way Akka raises a child's exception: the child suspends itself and
/// its parent gets <see cref="Failed"/> (the container actor's own handlers are guarded and do not throw).
/// </summary>
public sealed class ContainersSupervisionSpecs : TestKit
{
    public ContainersSupervisionSpecs() : base(WireConfig.With()) { }

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_container_with_corrupt_state_is_stopped_and_reported_and_recovered_when_next_asked()
    {
        var reports = CreateTestProbe();
        Sys.EventStream.Subscribe(reports.Ref, typeof(ChildStopped));
        var containers = StartContainers();
        var a = Create(containers, "alpha");
        var b = Create(containers, "beta");
        var actorA = await ContainerActor(a);
        var actorB = await ContainerActor(b);
        Watch(actorA);

        Fail(containers, actorA, new CorruptStateException("the journal has a start after a removal"));

        ExpectTerminated(actorA, Long);
        Assert.Equal($"/user/containers/container-{a}", reports.ExpectMsg<ChildStopped>(Long).Path);
        Assert.Equal(actorB, await ContainerActor(b));
        containers.Tell(new InspectContainer("beta"));
        Assert.Equal(b, ExpectMsg<ContainerInspected>(Long).View.Id);
        containers.Tell(new InspectContainer("alpha"));
        Assert.Equal(a, ExpectMsg<ContainerInspected>(Long).View.Id);
        Assert.NotEqual(actorA, await ContainerActor(a)); // a new incarnation, recovered from the journal
    }

    [Fact]
    public async Task A_container_that_failed_on_transient_io_is_restarted_in_place()
    {
        var containers = StartContainers();
        var a = Create(containers, "alpha");
        var b = Create(containers, "beta");
        var actorA = await ContainerActor(a);
        var actorB = await ContainerActor(b);

        Fail(containers, actorA, new TransientIoException("database is locked"));

        containers.Tell(new InspectContainer("alpha"));
        Assert.Equal(a, ExpectMsg<ContainerInspected>(Long).View.Id);
        Assert.Equal(actorA, await ContainerActor(a));
        Assert.Equal(actorB, await ContainerActor(b));
        containers.Tell(new InspectContainer("beta"));
        Assert.Equal(b, ExpectMsg<ContainerInspected>(Long).View.Id);
    }

    /// <summary>What Akka's ActorCell does when a child's handler throws <paramref name="cause"/>.</summary>
    private static void Fail(IActorRef parent, IActorRef child, Exception cause)
    {
        var failing = (IInternalActorRef)child;
        failing.Suspend();
        ((IInternalActorRef)parent).SendSystemMessage(new Failed(failing, cause, failing.Path.Uid));
    }

    private Task<IActorRef> ContainerActor(string id) => Sys.ActorSelection($"/user/containers/container-{id}").ResolveOne(Long);

    private string Create(IActorRef containers, string name)
    {
        containers.Tell(new CreateContainer(name, new ContainerSpec { Image = "busybox", Process = new() { Command = ["true"] } }));
        return ExpectMsg<ContainerCreated>(Long).Id;
    }

    private IActorRef StartContainers()
    {
        var images = CreateTestProbe();
        images.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is ResolveImage) sender.Tell(new ImageResolved("sha256:" + new string('a', 64), new ContainerConfig { Cmd = ["sh"] }, []));
            return AutoPilot.KeepRunning;
        }));
        var settings = new ContainerSettings(_dir.Combine("data"), _dir.Combine("exec"), "/nonexistent/berth-shim",
            new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime");
        return Sys.ActorOf(ContainersActor.Props(settings, images.Ref, new EventLogSink(CreateTestProbe().Ref)), ContainersActor.Name);
    }
}
