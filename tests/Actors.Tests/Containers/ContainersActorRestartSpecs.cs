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
        containers.Tell(new CreateContainer("kept", new ContainerConfig { Image = "busybox", Cmd = ["true"] }, new ContainerHostConfig()));
        var id = ExpectMsg<ContainerCreated>(Long).Id;
        var removedWaiter = CreateTestProbe();
        var exitWaiter = CreateTestProbe();
        containers.Tell(new WaitContainer("kept", "removed"), removedWaiter);
        containers.Tell(new WaitContainer("kept", "next-exit"), exitWaiter);
        containers.Tell(new InspectContainer("kept"));
        ExpectMsg<ContainerInspected>(Long); // the waits are registered: the container answers in order

        // What Akka does to an actor whose failure its supervisor answers with Restart.
        var cell = (IInternalActorRef)containers;
        cell.Suspend();
        cell.Restart(new InvalidOperationException("injected failure"));

        containers.Tell(new RemoveContainer("kept", Force: false));
        ExpectMsg<ContainerDone>(Long);
        Assert.Equal(0, removedWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        Assert.Equal(0, exitWaiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        containers.Tell(new InspectContainer(id));
        Assert.Equal(404, ExpectMsg<ContainerError>(Long).Status);
    }

    private IActorRef StartContainers()
    {
        var images = CreateTestProbe();
        images.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is ResolveImage) sender.Tell(new ImageResolved("sha256:" + new string('a', 64), new ContainerConfig { Cmd = ["sh"] }, [], []));
            return AutoPilot.KeepRunning;
        }));
        var settings = new ContainerSettings(_dir.Combine("data"), _dir.Combine("exec"), "/nonexistent/berth-shim",
            new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime");
        return Sys.ActorOf(ContainersActor.Props(settings, images.Ref, new EventLogSink(CreateTestProbe().Ref), new ContainerImageUsage()), "containers");
    }
}
