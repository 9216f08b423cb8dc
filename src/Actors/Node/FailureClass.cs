using System.Data.Common;
using System.Text.Json;

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

/// <summary>
/// Sorts an exception into a <see cref="FailureKind"/>, looking through what wraps it: Akka's creation failure (a
/// constructor's exception arrives inside ActorInitializationException and a wrapper of Akka's own), a task's
/// aggregate, reflection's invocation wrapper. The outermost exception in the chain that has a class decides.
/// </summary>
public static class FailureClass
{
    public static FailureKind Of(Exception e) => Classify(Unwrap(e));

    /// <summary>The outermost exception in the chain that has a class; the innermost one when none has.</summary>
    public static Exception Unwrap(Exception e)
    {
        var x = e;
        while (true)
        {
            if (Classify(x) != FailureKind.Unclassified) return x;
            var inner = x switch
            {
                AggregateException { InnerExceptions.Count: 1 } agg => agg.InnerExceptions[0],
                _ => x.InnerException,
            };
            if (inner == null) return x;
            x = inner;
        }
    }

    private static FailureKind Classify(Exception e) => e switch
    {
        CorruptStateException or RuntimeContractException => FailureKind.Fatal,
        // A store file that does not parse is corrupt whatever layer read it.
        JsonException or InvalidDataException => FailureKind.Fatal,
        IOException or TimeoutException or DbException => FailureKind.Transient,
        _ => FailureKind.Unclassified,
    };
}
