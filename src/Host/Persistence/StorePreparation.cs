using Berth.Host.Configuration;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Persistence;

/// <summary>
/// Readies berthd's SQLite store before the actor system opens it: write-ahead logging, so recoveries read while the
/// journal commits (the mode is kept in the file, so every later connection of the Sql plugin uses it).
/// </summary>
public static class StorePreparation
{
    public static void Prepare(DaemonOptions options)
    {
        if (options.Persistence.Provider != "sqlite" || StoreCheck.SqliteFile(options) is not { } file) return;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
    }
}
