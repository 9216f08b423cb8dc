using Akka.Actor;
using Akka.Persistence;

namespace Berth.Actors;

/// <summary>
/// A persistent actor that a bug in one command cannot take down (see <see cref="CommandGuard"/>): an exception thrown
/// while handling a command, or in the callback of an event the command persisted, is logged and answered to that
/// command's sender with <see cref="Failed"/>; the actor carries on with its state intact. Recovery and the journal's
/// own failures are not intercepted: Akka.Persistence still decides what those do.
/// </summary>
public abstract class GuardedPersistentActor : ReceivePersistentActor
{
    /// <summary>The reply to the sender of a command whose handling threw.</summary>
    protected abstract object Failed(Exception e);

    protected void Command<T>(Action<T> handler) => base.Command<T>(m => CommandGuard.Run(Context, m, Sender, Failed, () => handler(m)));

    protected void CommandAsync<T>(Func<T, Task> handler) => base.CommandAsync<T>(m => CommandGuard.RunAsync(Context, m, Sender, Failed, () => handler(m)));

    /// <summary>Akka calls the handler when the event is written, with the command's sender as Sender.</summary>
    protected new void Persist<TEvent>(TEvent @event, Action<TEvent> handler) =>
        base.Persist(@event, e => CommandGuard.Run(Context, e, Sender, Failed, () => handler(e)));
}
