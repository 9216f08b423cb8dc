using System.Data.Common;
using System.Text.RegularExpressions;

namespace Berth.Actors.Journal;

/// <summary>
/// Says a storage failure in dockerd's words, whichever layer raised it: a full disk is "write PATH: no space left on
/// device" (Go's *PathError text), so clients and people recognise it; anything else keeps its own message.
/// </summary>
public static partial class StorageFault
{
    private const int Enospc = 28;

    /// <summary>The message for an API error reply.</summary>
    public static string Describe(Exception e) => NoSpace(e) is { } full ? full : e.Message;

    /// <summary>dockerd's text when <paramref name="e"/> (or an exception inside it) is a full disk; otherwise null.</summary>
    public static string? NoSpace(Exception e)
    {
        foreach (var x in Chain(e))
        {
            switch (x)
            {
                case StorageFullException full: return full.Message;
                // .NET words ENOSPC as "No space left on device : '/path'".
                case IOException io when io.HResult == Enospc || io.Message.StartsWith("No space left on device", StringComparison.Ordinal):
                    return PathOf(io.Message) is { } path ? $"write {path}: no space left on device" : "no space left on device";
                // SQLITE_FULL, and PostgreSQL's disk_full (53100), from a journal plugin that does not name the file.
                case DbException db when db.SqlState == "53100" || db.Message.Contains("database or disk is full", StringComparison.Ordinal):
                    return "write journal: no space left on device";
            }
        }
        return null;
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.TryPop(out var x))
        {
            yield return x;
            if (x is AggregateException agg) foreach (var inner in agg.InnerExceptions) pending.Push(inner);
            else if (x.InnerException is { } inner) pending.Push(inner);
        }
    }

    private static string? PathOf(string message) => QuotedPath().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@": '(/[^']*)'")]
    private static partial Regex QuotedPath();
}

/// <summary>A write failed because the disk holding <c>path</c> is full; the message is dockerd's.</summary>
public sealed class StorageFullException(string path, Exception inner) : IOException($"write {path}: no space left on device", inner);
