using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using Akka.Actor;

namespace Berth.Actors.Node;

/// <summary>
/// An actor's own state cannot be trusted: its journal or its files on disk contradict themselves. Running on would
/// spread the damage, so its parent stops it and reports it.
/// </summary>
public sealed class CorruptStateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The runtime side (shim, OCI runtime) answered outside its contract. Retrying would only repeat it, so the parent
/// stops the actor and reports it.
/// </summary>
public sealed class RuntimeContractException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An I/O failure that may pass (a busy database, a full disk being cleaned up): the parent restarts the actor with back-off.</summary>
public sealed class TransientIoException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>What a parent of the node tree does with a failure: the two classes the design names, and the rest.</summary>
public enum FailureKind
{
    /// <summary>Corrupt state or a broken runtime contract: stop the child, report it.</summary>
    Fatal,

    /// <summary>Transient I/O: restart the child with back-off.</summary>
    Transient,

    /// <summary>Anything else (a bug): Akka's default (restart; stop when the actor could not even be created).</summary>
    Unclassified,
}

/// <summary>Sorts an exception into a <see cref="FailureKind"/>, looking through the wrappers Akka and tasks put around it.</summary>
public static class FailureClass
{
    public static FailureKind Of(Exception e) => Unwrap(e) switch
    {
        CorruptStateException or RuntimeContractException => FailureKind.Fatal,
        // A store file that does not parse is corrupt whatever layer read it.
        JsonException or InvalidDataException => FailureKind.Fatal,
        IOException or TimeoutException or DbException => FailureKind.Transient,
        _ => FailureKind.Unclassified,
    };

    /// <summary>The exception itself, without Akka's creation wrapper, a task's aggregate or reflection's invocation wrapper.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case ActorInitializationException { InnerException: { } inner }: e = inner; break;
                case AggregateException { InnerExceptions.Count: 1 } agg: e = agg.InnerExceptions[0]; break;
                case TargetInvocationException { InnerException: { } inner }: e = inner; break;
                default: return e;
            }
        }
    }
}
