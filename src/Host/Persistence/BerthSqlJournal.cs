using System.Collections.Immutable;
using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal with what berth adds: a write that fails on a full SQLite disk says so and names
/// the file (as dockerd does), and a retired persistence id leaves no row behind in any table, so removed containers
/// do not grow the store forever.
/// </summary>
public sealed class BerthSqlJournal : SqlWriteJournal
{
    private readonly string _provider;
    private readonly string _connectionString;
    private Task _retiring = Task.CompletedTask;

    public BerthSqlJournal(Config config) : base(config)
    {
        _provider = config.GetString("provider-name");
        _connectionString = config.GetString("connection-string");
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        try
        {
            var rejections = await base.WriteMessagesAsync(messages, cancellationToken);
            return rejections is null ? null! : rejections.Select(e => e is null ? null! : Explain(e)).ToImmutableList();
        }
        catch (Exception e) { throw Explain(e); }
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not RetirePersistenceId retire) return base.ReceivePluginInternal(message);
        // Chained: retirements run one at a time, after the writes the journal already took for that id.
        var pending = ReadHighestSequenceNrAsync(retire.PersistenceId, 0, CancellationToken.None);
        _retiring = _retiring.ContinueWith(_ => pending, TaskScheduler.Default).Unwrap()
            .ContinueWith(_ => Forget(retire.PersistenceId), TaskScheduler.Default).Unwrap();
        return true;
    }

    protected override void PostStop()
    {
        // A retirement the actor took is finished before the store closes (bounded: a stopping daemon must stop).
        _retiring.Wait(TimeSpan.FromSeconds(10));
        base.PostStop();
    }

    private async Task Forget(string persistenceId)
    {
        await using var connection = StoreConnection.Open(_provider, _connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var table in StoreConnection.Tables)
        {
            await using var delete = StoreConnection.Command(connection, tx, $"DELETE FROM {table} WHERE persistence_id = @pid", ("@pid", persistenceId));
            await delete.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private Exception Explain(Exception e)
    {
        const int sqliteFull = 13;
        for (var x = e; x is not null; x = x.InnerException)
            if (x is SqliteException { SqliteErrorCode: sqliteFull })
                return new StorageFullException(new SqliteConnectionStringBuilder(_connectionString).DataSource, e);
        return e;
    }
}

/// <summary>Plain ADO.NET on berth's store, for what the Sql plugin does not do: retirements, the check, the migration.</summary>
public static class StoreConnection
{
    /// <summary>Every table of the Sql plugin's default mapping (journal_metadata is only used in compatibility mode).</summary>
    public static readonly string[] Tables = ["journal", "tags", "snapshot"];

    /// <summary>A closed connection for a linq2db provider name (SQLite.MS, PostgreSQL) or a berth provider (sqlite, postgresql).</summary>
    public static DbConnection Open(string provider, string connectionString) => provider switch
    {
        "SQLite.MS" or "sqlite" => new SqliteConnection(connectionString),
        "PostgreSQL" or "postgresql" => new Npgsql.NpgsqlConnection(connectionString),
        _ => throw new ArgumentException($"invalid persistence provider \"{provider}\""),
    };

    /// <summary>A command with named parameters (@name), the same text on both stores.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
