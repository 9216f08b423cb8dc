using System.Buffers.Binary;
using System.Net.Sockets;
using Berth.Host.Configuration;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Persistence;

/// <summary>
/// Checks berthd's SQLite journal before the actor system starts. A damaged file would let berthd start and then time
/// out every request; a missing one beside containers on disk would start an empty daemon that forgets them. Both
/// refuse the start with what is wrong and how to go on. PostgreSQL checks its own storage.
/// </summary>
public static class StoreCheck
{
    private static readonly byte[] Magic = "SQLite format 3\0"u8.ToArray();

    public static void Verify(DaemonOptions options)
    {
        if (options.Persistence.Provider != "sqlite") return;
        var file = SqliteFile(options);
        if (file is null) return;
        var state = Inspect(file);
        if (state == StoreState.Empty) RefuseIfContainersExist(options, file);
    }

    private enum StoreState { Empty, InUse }

    /// <summary>The file a SQLite connection string names; null for an in-memory store.</summary>
    public static string? SqliteFile(DaemonOptions options)
    {
        if (options.Persistence.ConnectionString is not { } cs) return options.DefaultDatabasePath;
        var source = new SqliteConnectionStringBuilder(cs).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file::memory:", StringComparison.Ordinal) ? null : Path.GetFullPath(source);
    }

    private static StoreState Inspect(string file)
    {
        if (!File.Exists(file)) return StoreState.Empty;
        var length = new FileInfo(file).Length;
        if (length == 0) return StoreState.Empty;
        CheckHeader(file, length);
        try
        {
            // Read-write, so a WAL left by a crash is recovered before the check reads through it.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
            connection.Open();
            var problems = Rows(connection, "PRAGMA quick_check(5)");
            if (problems is not ["ok"]) throw Damaged(file, "database disk image is malformed: " + OneLine(problems));
            return Rows(connection, "SELECT name FROM sqlite_master WHERE type = 'table'").Count == 0 ? StoreState.Empty : StoreState.InUse;
        }
        catch (SqliteException e)
        {
            throw Damaged(file, e.Message);
        }
    }

    /// <summary>The header's magic, and its page count against the file's length (a truncated file lost its tail pages).</summary>
    private static void CheckHeader(string file, long length)
    {
        var header = new byte[100];
        using (var f = File.OpenRead(file)) f.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (length < header.Length || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Damaged(file, "file is not a database (no SQLite header)");
        var pageSize = (long)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        if (pageSize == 1) pageSize = 65536;
        var pages = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        // The page count is only valid when the change counter matches "version valid for" (SQLite file format, 1.3.7).
        var valid = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24)) == BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(92));
        if (valid && pages * pageSize > length)
            throw Damaged(file, $"database disk image is malformed: the file is truncated ({length} bytes, its header counts {pages} pages of {pageSize} bytes)");
    }

    /// <summary>quick_check's findings on one line, without its "*** in database main ***" headings.</summary>
    private static string OneLine(IEnumerable<string> problems) => string.Join("; ", problems
        .SelectMany(p => p.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(line => !line.StartsWith("***", StringComparison.Ordinal)));

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static StoreRefusedException Damaged(string file, string problem) => new(
        $"the journal {file} is damaged: {problem}. berthd will not start on it. Restore {file} (with its -wal file, if any) from a backup; " +
        $"or, to start over without the containers and events it records, move it aside (mv {file} {file}.damaged) together with the container directories " +
        "berthd then names.");

    /// <summary>A missing or empty journal is a new daemon, unless containers (their directories or running shims) say otherwise.</summary>
    private static void RefuseIfContainersExist(DaemonOptions options, string file)
    {
        var containersDir = Path.Combine(options.DataRoot, "containers");
        var dirs = Directory.Exists(containersDir) ? Directory.GetDirectories(containersDir).Select(Path.GetFileName).Order().ToList() : [];
        var stateRoot = Path.Combine(options.ExecRoot, "containers");
        var shims = Directory.Exists(stateRoot) ? Directory.GetDirectories(stateRoot).Where(ShimAnswers).Order().ToList() : [];
        if (dirs.Count == 0 && shims.Count == 0) return;

        var found = new List<string>();
        if (dirs.Count > 0) found.Add($"{containersDir} holds {dirs.Count} container directories ({Sample(dirs!.Select(d => d![..Math.Min(12, d!.Length)]))})");
        if (shims.Count > 0) found.Add($"{shims.Count} berth-shims still run containers ({Sample(shims)})");
        var steps = new List<string>();
        if (shims.Count > 0) steps.Add($"stop those containers' processes and their berth-shims, and remove their state directories under {stateRoot}");
        if (dirs.Count > 0) steps.Add($"move the container directories aside (mv {containersDir} {containersDir}.orphaned)");
        throw new StoreRefusedException(
            $"the journal {file} is missing or empty, but {string.Join(" and ", found)}: starting now would forget them. " +
            $"Restore {file} from a backup; or, to start without those containers, {string.Join(", then ", steps)}.");
    }

    private static string Sample(IEnumerable<string> items)
    {
        var list = items.ToList();
        return string.Join(", ", list.Take(5)) + (list.Count > 5 ? $", and {list.Count - 5} more" : "");
    }

    /// <summary>A shim is alive when its control socket accepts a connection.</summary>
    private static bool ShimAnswers(string stateDir)
    {
        var socketPath = new Berth.Shim.Protocol.ShimPaths(stateDir).ControlSocket;
        if (!File.Exists(socketPath)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException) { return false; }
    }
}

/// <summary>berthd's stores are not fit to start on; the message says what is wrong and how to go on.</summary>
public sealed class StoreRefusedException(string message) : Exception(message);
