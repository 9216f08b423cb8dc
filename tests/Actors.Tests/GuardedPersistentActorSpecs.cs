using Akka.Actor;
using Akka.TestKit.Xunit;

namespace Berth.Actors.Tests;

/// <summary>
/// A command that throws is answered with a failure and costs the actor nothing: what it holds for other clients
/// (here: a waiter and a count) survives, because the actor is neither restarted nor stopped.
/// </summary>
public sealed class GuardedPersistentActorSpecs : TestKit
{
    public GuardedPersistentActorSpecs() : base(WireConfig.With()) { }

    [Fact]
    public void A_command_that_throws_is_answered_and_the_actor_keeps_its_waiters()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Ledger("ledger-sync")));
        var waiter = CreateTestProbe();
        actor.Tell(new Wait(), waiter);
        actor.Tell(new Add(2));
        ExpectMsg<int>(2);

        actor.Tell(new Boom());
        Assert.Equal("boom", ExpectMsg<Refused>().Reason);

        actor.Tell(new Release());
        Assert.Equal(2, waiter.ExpectMsg<int>());
        Assert.Equal(0, Restarts(actor));
    }

    [Fact]
    public void An_async_command_that_throws_after_an_await_is_answered_and_the_actor_keeps_its_state()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Ledger("ledger-async")));
        actor.Tell(new Add(3));
        ExpectMsg(3);

        actor.Tell(new BoomLater());
        Assert.Equal("boom later", ExpectMsg<Refused>().Reason);

        actor.Tell(new Add(1));
        ExpectMsg(4);
        Assert.Equal(0, Restarts(actor));
    }

    [Fact]
    public void A_persist_callback_that_throws_is_answered_to_the_commands_sender_and_the_event_stays_applied()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Ledger("ledger-persist")));
        actor.Tell(new AddThenBoom(5));
        Assert.Equal("boom after 5", ExpectMsg<Refused>().Reason);

        actor.Tell(new Add(1));
        ExpectMsg(6);
        Assert.Equal(0, Restarts(actor));
    }

    private int Restarts(IActorRef actor)
    {
        actor.Tell(new CountRestarts());
        return ExpectMsg<int>();
    }

    private sealed record Add(int N);
    private sealed record AddThenBoom(int N);
    private sealed record Boom;
    private sealed record BoomLater;
    private sealed record Wait;
    private sealed record Release;
    private sealed record CountRestarts;
    private sealed record Added(int N);
    private sealed record Refused(string Reason);

    /// <summary>A sum with waiters: the kind of state a restart would lose.</summary>
    private sealed class Ledger : GuardedPersistentActor
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Restarted = new();
        private readonly List<IActorRef> _waiters = [];
        private int _sum;

        public Ledger(string id)
        {
            PersistenceId = id;
            Recover<Added>(a => _sum += a.N);
            Command<Add>(a => Persist(new Added(a.N), e =>
            {
                _sum += e.N;
                Sender.Tell(_sum);
            }));
            Command<AddThenBoom>(a => Persist(new Added(a.N), e =>
            {
                _sum += e.N;
                throw new InvalidOperationException($"boom after {e.N}");
            }));
            Command<Boom>(_ => throw new InvalidOperationException("boom"));
            CommandAsync<BoomLater>(async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("boom later");
            });
            Command<Wait>(_ => _waiters.Add(Sender));
            Command<Release>(_ => _waiters.ForEach(w => w.Tell(_sum)));
            Command<CountRestarts>(_ => Sender.Tell(Restarted.GetValueOrDefault(PersistenceId)));
        }

        public override string PersistenceId { get; }

        protected override object Failed(Exception e) => new Refused(e.Message);

        protected override void PreRestart(Exception reason, object message)
        {
            Restarted.AddOrUpdate(PersistenceId, 1, (_, n) => n + 1);
            base.PreRestart(reason, message);
        }
    }
}
