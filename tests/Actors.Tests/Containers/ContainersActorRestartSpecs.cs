using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers;

/// <summary>
/// Should the containers actor ever restart, no client is stranded: the containers' actors are kept (Akka's default
/// would stop them all), and the requests they held are taken up again by their next incarnation.
/// </summary>
public sealed class ContainersActorRestartSpecs : TestKit
{
    public ContainersActorRestartSpecs() : base(WireConfig.With()) { }

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public void A_restart_of_the_containers_actor_answers_every_wait_held_by_a_container()
    {
        var containers = StartContainers();
        var (id, removedWaiter, exitWaiter) = CreateWithWaiters(containers);

        // What Akka does to an actor whose failure its supervisor answers with Restart.
        var cell = (IInternalActorRef)containers;
        cell.Suspend();
        cell.Restart(new InvalidOperationException("injected failure"));

        containers.Tell(new RemoveContainer("kept", Force: false));
        ExpectMsg<ContainerDone>(Long);
        Assert.Equal(0, removedWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        Assert.Equal(0, exitWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        containers.Tell(new InspectContainer(id));
        Assert.Equal(ContainerErrorKind.NotFound, ExpectMsg<ContainerError>(Long).Kind);
    }

    [Fact]
    public async Task Waits_taken_up_again_behind_a_removal_already_queued_hear_how_the_container_ended()
    {
        var containers = StartContainers();
        var (id, removedWaiter, exitWaiter) = CreateWithWaiters(containers);
        var container = (IInternalActorRef)await Sys.ActorSelection($"/user/containers/container-{id}").ResolveOne(Long);
        container.Suspend();
        container.Tell(new RemoveContainer(id, Force: false), TestActor); // ahead of the waits the restart re-sends

        ((IInternalActorRef)containers).Restart(new InvalidOperationException("injected failure"));

        ExpectMsg<ContainerDone>(Long);
        Assert.Equal(0, removedWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        Assert.Equal(0, exitWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
    }

    /// <summary>A created container with a client waiting for its removal and one for its next exit.</summary>
    private (string Id, TestProbe Removed, TestProbe Exit) CreateWithWaiters(IActorRef containers)
    {
        containers.Tell(new CreateContainer("kept", new ContainerSpec { Image = "busybox", Process = new() { Command = ["true"] } }));
        var id = ExpectMsg<ContainerCreated>(Long).Id;
        var removed = CreateTestProbe();
        var exit = CreateTestProbe();
        containers.Tell(new WaitContainer("kept", "removed"), removed);
        containers.Tell(new WaitContainer("kept", "next-exit"), exit);
        containers.Tell(new InspectContainer("kept"));
        ExpectMsg<ContainerInspected>(Long); // the waits are registered: the container answers in order
        return (id, removed, exit);
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
        return Sys.ActorOf(ContainersActor.Props(settings, images.Ref, new EventLogSink(CreateTestProbe().Ref)), "containers");
    }
}
