using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Images.Layers;
using Berth.Actors.Protocol;
using Berth.Shim.Client;
using Berth.Shim.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers;

/// <summary>
/// One container's actor over a fake runtime: what it asks of the runtime (launches, signals) and what it answers and
/// records, for start, exit, the restart policy, stop and removal. No shim, no process, no mount.
/// </summary>
public sealed class ContainerActorSpecs : TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly TempDir _dir = new();
    private readonly FakeRuntime _runtime = new();
    private readonly TestProbe _events;
    private readonly ContainerSettings _settings;

    public ContainerActorSpecs() : base(WireConfig.With())
    {
        _events = CreateTestProbe();
        _settings = new ContainerSettings(_dir.Combine("data"), _dir.Combine("exec"), "/nonexistent/berth-shim",
            new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime") { Runtime = _runtime };
        // The actor keeps its parent (here the test actor) informed of every change; these specs ask it instead.
        IgnoreMessages(m => m is ContainerChanged or ExecsRestored);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    [Fact]
    public void A_created_container_records_only_its_creation()
    {
        var c = Create();
        Assert.Equal("created", Inspect(c).Status); // answered after its reconnect, which records whatever it finds
        Assert.Equal("create", _events.ExpectMsg<RecordEvent>(Long).Event.Action);
        Assert.False(_events.HasMessages, "more than the creation was recorded");
    }

    [Fact]
    public void A_start_launches_one_run_reports_its_pid_and_a_second_start_is_not_modified()
    {
        var c = Create();
        c.Tell(new StartContainer(Id));
        Assert.False(ExpectMsg<ContainerDone>(Long).NotModified);
        c.Tell(new StartContainer(Id));
        Assert.True(ExpectMsg<ContainerDone>(Long).NotModified);

        var state = Inspect(c);
        Assert.Equal(("running", 1001), (state.Status, state.Pid));
        Assert.Single(_runtime.Launched);
    }

    [Fact]
    public void The_runs_exit_answers_waiters_and_leaves_it_exited_with_the_code()
    {
        var c = Create();
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);
        var waiter = CreateTestProbe();
        c.Tell(new WaitContainer(Id, "not-running"), waiter);

        _runtime.Run(0).Exit(3);

        Assert.Equal(3, waiter.ExpectMsg<ContainerExited>(Long).StatusCode);
        var state = Inspect(c);
        Assert.Equal(("exited", 3, 0), (state.Status, state.ExitCode, state.Pid));
    }

    [Fact]
    public void A_policy_restart_launches_a_second_run_and_counts_one()
    {
        var c = Create(new RestartPolicy(RestartPolicyKind.Always, 0));
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);

        _runtime.Run(0).Exit(1);

        AwaitAssert(() => Assert.Equal(2, _runtime.Launched.Count), Long);
        AwaitAssert(() => Assert.Equal(("running", 1002, 1), (Inspect(c).Status, Inspect(c).Pid, Inspect(c).RestartCount)), Long);
    }

    [Fact]
    public void Docker_stop_sends_the_stop_signal_answers_on_exit_and_keeps_the_policy_off()
    {
        var c = Create(new RestartPolicy(RestartPolicyKind.Always, 0));
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);
        var stopper = CreateTestProbe();
        c.Tell(new StopContainer(Id, Timeout: 10), stopper);

        AwaitAssert(() => Assert.Equal([15], _runtime.Run(0).Signals), Long);
        _runtime.Run(0).Exit(0);

        stopper.ExpectMsg<ContainerDone>(Long);
        var state = Inspect(c);
        Assert.Equal(("exited", false, 0), (state.Status, state.Restarting, state.RestartCount));
        Assert.Single(_runtime.Launched);
    }

    [Fact]
    public void A_forced_removal_kills_the_run_and_then_the_container_is_not_found()
    {
        var c = Create();
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);
        var remover = CreateTestProbe();
        c.Tell(new RemoveContainer(Id, Force: true), remover);

        ExpectMsg<ContainerForgotten>(Long);
        LastSender.Tell(new ContainerDone());
        remover.ExpectMsg<ContainerDone>(Long);
        Assert.Contains(9, _runtime.Run(0).Signals);
        Assert.False(Directory.Exists(_settings.PathsOf(Id).Dir));
    }

    [Fact]
    public void An_unhealthy_run_with_health_on_failure_restart_is_stopped_and_started_again_counting_one_restart()
    {
        // No shim answers a probe here, so every probe fails; one failure makes the run unhealthy.
        var c = Create(spec: new ContainerSpec
        {
            Image = "busybox", Process = new() { Command = ["sh"] },
            Health = new HealthSettings { Test = ["CMD", "true"], Interval = TimeSpan.FromMilliseconds(10), Retries = 1 },
            Labels = new Dictionary<string, string> { [HealthOnFailureLabel.Name] = "restart" },
        });
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);

        AwaitAssert(() => Assert.Equal([15], _runtime.Run(0).Signals), Long);
        Assert.Equal("unhealthy", Inspect(c).Health?.Status);
        _runtime.Run(0).Exit(143);

        AwaitAssert(() => Assert.Equal(2, _runtime.Launched.Count), Long);
        AwaitAssert(() => Assert.Equal(("running", 1), (Inspect(c).Status, Inspect(c).RestartCount)), Long);
    }

    [Fact]
    public void Docker_restart_stops_the_run_starts_it_again_and_counts_no_restart()
    {
        var c = Create(new RestartPolicy(RestartPolicyKind.Always, 0));
        c.Tell(new StartContainer(Id));
        ExpectMsg<ContainerDone>(Long);
        var restarter = CreateTestProbe();
        c.Tell(new RestartContainer(Id, Timeout: 10), restarter);

        AwaitAssert(() => Assert.Equal([15], _runtime.Run(0).Signals), Long);
        _runtime.Run(0).Exit(0);

        restarter.ExpectMsg<ContainerDone>(Long);
        AwaitAssert(() => Assert.Equal(("running", 1002, 0), (Inspect(c).Status, Inspect(c).Pid, Inspect(c).RestartCount)), Long);
        Assert.Equal(2, _runtime.Launched.Count);
    }

    private IActorRef Create(RestartPolicy? policy = null, ContainerSpec? spec = null)
    {
        var c = ChildActorOf(ContainerActor.Props(Id, _settings, new EventLogSink(_events.Ref), created: true));
        var def = new ContainerDefinition(Id, "/web", DateTimeOffset.UtcNow, "sha256:" + new string('a', 64),
            (spec ?? new ContainerSpec { Image = "busybox", Process = new() { Command = ["sh"] } }) with { Restart = policy ?? RestartPolicy.None }, [], "berth-runtime");
        c.Tell(new ContainerActor.Define(def));
        Assert.Equal(Id, ExpectMsg<ContainerCreated>(Long).Id);
        return c;
    }

    private ContainerStatusView Inspect(IActorRef c)
    {
        c.Tell(new InspectContainer(Id));
        return ExpectMsg<ContainerInspected>(Long).View.State;
    }

    /// <summary>Runs that do nothing but what the specs tell them: each launch is a new run with the next pid.</summary>
    private sealed class FakeRuntime : IContainerRuntime
    {
        private int _pid = 1000;

        public ConcurrentQueue<FakeRun> Launched { get; } = new();

        public FakeRun Run(int index) => Launched.ElementAt(index);

        public Task<IContainerRun> LaunchAsync(ContainerDefinition def, ContainerPaths paths, RootfsLayout layout)
        {
            var run = new FakeRun(Interlocked.Increment(ref _pid));
            Launched.Enqueue(run);
            return Task.FromResult<IContainerRun>(run);
        }

        public Task<IContainerRun> AdoptAsync(ContainerPaths paths) => Task.FromException<IContainerRun>(new IOException("no run to adopt"));

        public bool MayHaveRun(ContainerPaths paths) => false;

        public void KillOrphans(ContainerPaths paths) { }
    }

    /// <summary>A run whose process ends when the spec says (or on SIGKILL and shutdown, as a real one would).</summary>
    private sealed class FakeRun(int pid) : IContainerRun
    {
        private readonly TaskCompletionSource<ExitStatus> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<int> _signals = new();

        public IReadOnlyList<int> Signals => [.. _signals];

        public ShimClient? Handle => null;

        public Task StartAsync() => Task.CompletedTask;

        public Task<int> PidAsync() => Task.FromResult(pid);

        public Task<ExitStatus> WaitAsync() => _exit.Task;

        public Task KillAsync(int signal)
        {
            _signals.Enqueue(signal);
            if (signal == 9) Exit(137);
            return Task.CompletedTask;
        }

        public Task ShutdownAsync()
        {
            Exit(137);
            return Task.CompletedTask;
        }

        public void Exit(int code) => _exit.TrySetResult(new ExitStatus(code, null, DateTimeOffset.UtcNow.ToString("O"), false));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
