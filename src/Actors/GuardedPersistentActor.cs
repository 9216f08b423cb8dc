using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Berth.Actors;

/// <summary>
/// A persistent actor that a bug in one command cannot take down. An exception thrown while handling a command, or in
/// the callback of an event the command persisted, is logged and answered to that command's sender with
/// <see cref="Failed"/>; the actor carries on with its state intact. Left to Akka, the exception would restart the
/// actor, which forgets everything not in the journal: other clients' waits, exec records, the children it stops.
/// Recovery and the journal's own failures are not intercepted: Akka.Persistence still decides what those do.
/// </summary>
public abstract class GuardedPersistentActor : ReceivePersistentActor
{
    /// <summary>The reply to the sender of a command whose handling threw.</summary>
    protected abstract object Failed(Exception e);

    protected void Command<T>(Action<T> handler) => base.Command<T>(m => Guarded(m, Sender, () => handler(m)));

    protected void CommandAsync<T>(Func<T, Task> handler) => base.CommandAsync<T>(async m =>
    {
        var sender = Sender;
        try { await handler(m); }
        catch (Exception e) { Answer(m, sender, e); }
    });

    /// <summary>Akka calls the handler when the event is written, with the command's sender as Sender.</summary>
    protected new void Persist<TEvent>(TEvent @event, Action<TEvent> handler) =>
        base.Persist(@event, e => Guarded(e, Sender, () => handler(e)));

    private void Guarded(object? message, IActorRef sender, Action handle)
    {
        try { handle(); }
        catch (Exception e) { Answer(message, sender, e); }
    }

    private void Answer(object? message, IActorRef sender, Exception e)
    {
        Context.GetLogger().Error(e, "{0} failed while handling {1}; the actor keeps running", PersistenceId, message?.GetType().Name);
        if (!sender.IsNobody() && !sender.Equals(Self)) sender.Tell(Failed(e));
    }
}
