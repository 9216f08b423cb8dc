using Akka.Actor;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// A stand-in child that fails on request, so a parent's supervision can be watched: each incarnation says
/// <see cref="Started"/> to the watcher, counts what it was told (a restart forgets it), and throws what <see cref="Fail"/> carries.
/// </summary>
public sealed class Flaky : ReceiveActor
{
    private int _count;

    public Flaky(IActorRef watcher)
    {
        watcher.Tell(new Started(Self.Path.Name));
        Receive<Fail>(f => throw f.Cause);
        Receive<Count>(_ => Sender.Tell(new Counted(++_count)));
    }

    public static Props Props(IActorRef watcher) => Akka.Actor.Props.Create(() => new Flaky(watcher));

    /// <summary>Throw <paramref name="Cause"/> while handling this message. A test's hand-off of an exception object: never serialized.</summary>
    public sealed record Fail(Exception Cause) : INoSerializationVerificationNeeded;

    /// <summary>Count one more and answer with the count this incarnation holds.</summary>
    public sealed record Count
    {
        public static Count Instance { get; } = new();
    }

    public sealed record Counted(int Value);

    /// <summary>A new incarnation of the child called <paramref name="Name"/> is running.</summary>
    public sealed record Started(string Name);
}

/// <summary>A parent that supervises its children with the strategy it is given and creates what it is told to.</summary>
public sealed class Parent : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public Parent(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<Make>(m => Sender.Tell(Context.ActorOf(m.Props, m.Name)));
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;

    public sealed record Make(Props Props, string Name);
}
