using System.Data.Common;
using Berth.Actors.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Berth.Host.Persistence;

/// <summary>What differs between the two journal stores: how to connect, column types, one SQL function, pragmas.</summary>
public abstract class JournalDialect
{
    public abstract DbConnection Connect(string connectionString);

    /// <summary>Runs once on every connection the writer opens (SQLite: WAL and a durable commit).</summary>
    public virtual string? WriterSetup => null;

    /// <summary>Closes pooled connections so the store's files are released when the daemon stops.</summary>
    public abstract void ClearPool(DbConnection connection);

    /// <summary>A failed write as the API should word it: a full disk names the file, as dockerd does.</summary>
    public virtual Exception Explain(Exception e, string connectionString) => e;

    protected abstract string BigInt { get; }
    protected abstract string Bytes { get; }
    public abstract string Greatest { get; }

    public string Schema => $"""
        CREATE TABLE IF NOT EXISTS berth_journal (
            persistence_id TEXT NOT NULL,
            sequence_nr {BigInt} NOT NULL,
            written_at {BigInt} NOT NULL,
            writer TEXT NOT NULL,
            event_manifest TEXT NOT NULL,
            serializer_id INTEGER NOT NULL,
            payload_manifest TEXT NOT NULL,
            payload {Bytes} NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr));
        CREATE TABLE IF NOT EXISTS berth_journal_highest (
            persistence_id TEXT NOT NULL PRIMARY KEY,
            sequence_nr {BigInt} NOT NULL);
        CREATE TABLE IF NOT EXISTS berth_snapshot (
            persistence_id TEXT NOT NULL,
            sequence_nr {BigInt} NOT NULL,
            created_at {BigInt} NOT NULL,
            serializer_id INTEGER NOT NULL,
            payload_manifest TEXT NOT NULL,
            payload {Bytes} NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr));
        """;

    public static JournalDialect For(string provider) => provider switch
    {
        "sqlite" => new SqliteDialect(),
        "postgresql" => new PostgresDialect(),
        _ => throw new ArgumentException($"invalid persistence provider \"{provider}\": use sqlite or postgresql"),
    };

    private sealed class SqliteDialect : JournalDialect
    {
        public override DbConnection Connect(string connectionString) => new SqliteConnection(connectionString);
        // WAL lets recoveries read while the writer commits; FULL syncs the WAL on every commit (about 0.5 ms here).
        public override string WriterSetup => "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
        public override void ClearPool(DbConnection connection) => SqliteConnection.ClearPool((SqliteConnection)connection);
        private const int SqliteFull = 13;
        public override Exception Explain(Exception e, string connectionString) => e is SqliteException { SqliteErrorCode: SqliteFull }
            ? new StorageFullException(new SqliteConnectionStringBuilder(connectionString).DataSource, e)
            : e;
        protected override string BigInt => "INTEGER";
        protected override string Bytes => "BLOB";
        public override string Greatest => "max";
    }

    private sealed class PostgresDialect : JournalDialect
    {
        public override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);
        public override void ClearPool(DbConnection connection) => NpgsqlConnection.ClearPool((NpgsqlConnection)connection);
        protected override string BigInt => "BIGINT";
        protected override string Bytes => "BYTEA";
        public override string Greatest => "GREATEST";
    }
}
