using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Node;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// The rule every parent of the node tree states (node, containers, events; images for its one-shot jobs): which
/// failures stop a child and are reported, which restart it with back-off, and when restarting gives up.
/// </summary>
public sealed class TreeSupervisorSpecs : TestKit
{
    public TreeSupervisorSpecs() : base(WireConfig.With()) { }

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(typeof(CorruptStateException), FailureKind.Fatal)]
    [InlineData(typeof(RuntimeContractException), FailureKind.Fatal)]
    [InlineData(typeof(InvalidDataException), FailureKind.Fatal)]
    [InlineData(typeof(TransientIoException), FailureKind.Transient)]
    [InlineData(typeof(IOException), FailureKind.Transient)]
    [InlineData(typeof(TimeoutException), FailureKind.Transient)]
    [InlineData(typeof(InvalidOperationException), FailureKind.Unclassified)]
    public void Failures_are_sorted_by_their_type(Type type, FailureKind kind)
    {
        var e = type == typeof(CorruptStateException) ? new CorruptStateException("x")
            : type == typeof(RuntimeContractException) ? new RuntimeContractException("x")
            : type == typeof(TransientIoException) ? new TransientIoException("x")
            : (Exception)Activator.CreateInstance(type, "x")!;
        Assert.Equal(kind, FailureClass.Of(e));
    }

    [Fact]
    public void A_store_file_that_does_not_parse_while_an_actor_is_created_is_corrupt_state()
    {
        var cause = new ActorInitializationException(null, "creation failed", new JsonException("'}' is invalid"));
        Assert.Equal(FailureKind.Fatal, FailureClass.Of(cause));
        Assert.Equal(Directive.Stop, TreeSupervisor.Decide(cause));
    }

    [Fact]
    public void Transient_failures_restart_and_corrupt_state_stops()
    {
        Assert.Equal(Directive.Restart, TreeSupervisor.Decide(new TransientIoException("busy")));
        Assert.Equal(Directive.Stop, TreeSupervisor.Decide(new CorruptStateException("torn")));
        Assert.Equal(Directive.Stop, TreeSupervisor.StopAlways().Decider.Decide(new TransientIoException("busy")));
    }

    [Fact]
    public void The_back_off_doubles_from_the_minimum_up_to_the_maximum()
    {
        var strategy = new TreeSupervisor(minBackoff: TimeSpan.FromMilliseconds(100), maxBackoff: TimeSpan.FromSeconds(1));
        Assert.Equal(
            [100, 200, 400, 800, 1000, 1000],
            Enumerable.Range(1, 6).Select(n => strategy.Backoff(n).TotalMilliseconds).ToArray());
    }

    [Fact]
    public void A_child_that_keeps_failing_is_stopped_and_reported_once_its_restarts_run_out()
    {
        var reports = CreateTestProbe();
        Sys.EventStream.Subscribe(reports.Ref, typeof(ChildStopped));
        var starts = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent(new TreeSupervisor(1, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), null))), "parent");
        var child = Make(parent, Flaky.Props(starts.Ref), "worker");
        var sibling = Make(parent, Flaky.Props(CreateTestProbe().Ref), "sibling");
        Assert.Equal(1, Count(sibling));
        starts.ExpectMsg<Flaky.Started>(Long);
        Watch(child);

        child.Tell(new Flaky.Fail(new TransientIoException("database is locked")));
        starts.ExpectMsg<Flaky.Started>(Long); // the one restart the limit allows
        child.Tell(new Flaky.Fail(new TransientIoException("database is locked")));

        ExpectTerminated(child, Long);
        var report = reports.ExpectMsg<ChildStopped>(Long);
        Assert.Equal("/user/parent/worker", report.Path);
        Assert.StartsWith("restarted more than 1 times", report.Why);
        Assert.Equal(2, Count(sibling));
    }

    [Fact]
    public void A_one_shot_child_is_stopped_and_reported_even_for_a_transient_failure()
    {
        var reports = CreateTestProbe();
        Sys.EventStream.Subscribe(reports.Ref, typeof(ChildStopped));
        var parent = Sys.ActorOf(Props.Create(() => new Parent(TreeSupervisor.StopAlways())), "jobs");
        var job = Make(parent, Flaky.Props(CreateTestProbe().Ref), "load-1");
        Watch(job);

        job.Tell(new Flaky.Fail(new TransientIoException("read layer: connection reset")));

        ExpectTerminated(job, Long);
        Assert.Equal("/user/jobs/load-1", reports.ExpectMsg<ChildStopped>(Long).Path);
    }

    private IActorRef Make(IActorRef parent, Props props, string name)
    {
        parent.Tell(new Parent.Make(props, name));
        return ExpectMsg<IActorRef>(Long);
    }

    private int Count(IActorRef child)
    {
        child.Tell(Flaky.Count.Instance);
        return ExpectMsg<Flaky.Counted>(Long).Value;
    }
}
