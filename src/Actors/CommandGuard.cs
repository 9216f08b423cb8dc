using Akka.Actor;
using Akka.Event;

namespace Berth.Actors;

/// <summary>
/// What a guarded actor does when handling one message throws: log it, answer that message's sender, carry on. Left to
/// Akka, the exception would restart the actor, which forgets everything it holds in memory: other clients' waits, exec
/// records, the children it stops.
/// </summary>
internal static class CommandGuard
{
    public static void Run(IActorContext context, object? message, IActorRef sender, Func<Exception, object> failed, Action handle)
    {
        try { handle(); }
        catch (Exception e) { Answer(context, message, sender, failed, e); }
    }

    public static async Task RunAsync(IActorContext context, object? message, IActorRef sender, Func<Exception, object> failed, Func<Task> handle)
    {
        try { await handle(); }
        catch (Exception e) { Answer(context, message, sender, failed, e); }
    }

    private static void Answer(IActorContext context, object? message, IActorRef sender, Func<Exception, object> failed, Exception e)
    {
        context.GetLogger().Error(e, "{0} failed while handling {1}; the actor keeps running", context.Self.Path.Name, message?.GetType().Name);
        if (!sender.IsNobody() && !sender.Equals(context.Self)) sender.Tell(failed(e));
    }
}

/// <summary>A (non-persistent) actor that a bug in one message cannot take down; see <see cref="CommandGuard"/>.</summary>
public abstract class GuardedActor : ReceiveActor
{
    /// <summary>The reply to the sender of a message whose handling threw.</summary>
    protected abstract object Failed(Exception e);

    protected new void Receive<T>(Action<T> handler) => base.Receive<T>(m => CommandGuard.Run(Context, m, Sender, Failed, () => handler(m)));

    protected new void ReceiveAsync<T>(Func<T, Task> handler) => base.ReceiveAsync<T>(m => CommandGuard.RunAsync(Context, m, Sender, Failed, () => handler(m)));
}
