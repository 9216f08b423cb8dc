using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using Berth.Actors.Protocol;

namespace Berth.Actors.Node;

/// <summary>
/// How a parent of the node tree treats a failing child (one for one: siblings are never touched). Corrupt state and a
/// broken runtime contract stop the child and report it (<see cref="ChildStopped"/> on the event stream and an error
/// naming it); transient I/O restarts it after a back-off that doubles with each restart in the window; a child that
/// needs more restarts than the limit is stopped and reported the same way. A restart, unlike a stop and re-create,
/// keeps the child's ref valid for everyone holding it (Host, siblings) and lets it keep its own children.
/// </summary>
public sealed class TreeSupervisor : OneForOneStrategy
{
    public const int DefaultMaxRestarts = 10;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultMinBackoff = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;

    /// <param name="decider">the directive for a failure; <see cref="Decide"/> unless a parent states otherwise.</param>
    public TreeSupervisor(int maxRestarts = DefaultMaxRestarts, TimeSpan? window = null, TimeSpan? minBackoff = null,
        TimeSpan? maxBackoff = null, Func<Exception, Directive>? decider = null)
        : base(maxRestarts, (int)(window ?? DefaultWindow).TotalMilliseconds, decider ?? Decide)
    {
        _minBackoff = minBackoff ?? DefaultMinBackoff;
        _maxBackoff = maxBackoff ?? DefaultMaxBackoff;
    }

    /// <summary>The tree's rule: stop on <see cref="FailureKind.Fatal"/>, restart on <see cref="FailureKind.Transient"/>, Akka's default otherwise.</summary>
    public static Directive Decide(Exception e) => FailureClass.Of(e) switch
    {
        FailureKind.Fatal => Directive.Stop,
        FailureKind.Transient => Directive.Restart,
        _ => DefaultDecider.Decide(e),
    };

    /// <summary>For children that are one attempt each (an image job): a failure stops the child and is reported, never retried.</summary>
    public static TreeSupervisor StopAlways() => new(decider: _ => Directive.Stop);

    public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause, ChildRestartStats stats,
        IReadOnlyCollection<ChildRestartStats> children)
    {
        if (restart && stats.RequestRestartPermission(MaxNumberOfRetries, WithinTimeRangeMilliseconds))
        {
            // The child stays suspended (its mailbox keeps what arrives) until the restart reaches it.
            var delay = Backoff((int)stats.MaxNrOfRetriesCount);
            context.System.Scheduler.Advanced.ScheduleOnce(delay, () => RestartChild(child, cause, suspendFirst: false));
            return;
        }
        context.Stop(child);
        var why = restart ? $"restarted more than {MaxNumberOfRetries} times within {WithinTimeRangeMilliseconds} ms" : FailureClass.Of(cause).ToString().ToLowerInvariant();
        var failure = FailureClass.Unwrap(cause);
        context.GetLogger().Error(failure, "{0} stopped ({1}); its siblings keep running. {2}", child.Path, why, failure.Message);
        context.System.EventStream.Publish(new ChildStopped(child.Path.ToStringWithoutAddress(), why, $"{failure.GetType().Name}: {failure.Message}"));
    }

    /// <summary>The delay before the <paramref name="restarts"/>th restart in the window: the minimum, doubling, capped.</summary>
    public TimeSpan Backoff(int restarts)
    {
        var factor = Math.Pow(2, Math.Clamp(restarts - 1, 0, 30));
        var ticks = Math.Min(_minBackoff.Ticks * factor, _maxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
