using Berth.Host.Configuration;
using Berth.Runtime.Native;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Hosting;

/// <summary>
/// berthd's data root and exec root, private like dockerd's: the data root 0710 root:root, the exec root 0700, the
/// SQLite database with its -wal and -shm 0600, the engine id 0600. A root an older berthd left open (0711 and 0755
/// dirs, 0644 database) is tightened at every start, before anything is opened.
/// </summary>
public static class PrivateRoots
{
    public static void Prepare(DaemonOptions options)
    {
        ExactMode.Directory(options.DataRoot, ExactMode.Dir0710);
        ExactMode.Directory(options.ExecRoot, ExactMode.Dir0700);
        foreach (var file in DatabaseFiles(options).Append(Path.Combine(options.DataRoot, "engine-id")))
            if (File.Exists(file)) File.SetUnixFileMode(file, ExactMode.File0600);
    }

    /// <summary>The SQLite database and the files SQLite keeps next to it (they carry the same rows).</summary>
    private static IEnumerable<string> DatabaseFiles(DaemonOptions options)
    {
        if (options.Persistence.Provider != "sqlite") return [];   // PostgreSQL keeps no files of ours
        var database = options.Persistence.ConnectionString is { } cs ? new SqliteConnectionStringBuilder(cs).DataSource : options.DefaultDatabasePath;
        if (string.IsNullOrEmpty(database) || database == ":memory:") return [];
        return [database, database + "-wal", database + "-shm", database + "-journal"];
    }
}
