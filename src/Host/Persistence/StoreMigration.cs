using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;

namespace Berth.Host.Persistence;

/// <summary>
/// Moves a store written by berthd 0.1.0 (the hand-written plugin's berth_journal, berth_journal_highest and
/// berth_snapshot) into Akka.Persistence.Sql's tables, once, on the first start of a newer berthd, in one transaction:
/// either every row moves or none does. The old tables are renamed with a _0_1_0 suffix, not dropped, so a user can
/// still go back; their presence under the old names is what marks a store as not yet migrated. Payloads move as
/// they are (same serializer id, same manifest), so old manifests keep decoding; the event log's snapshot becomes
/// tagged journal rows (<see cref="EventHistoryMigration"/>).
/// </summary>
public static class StoreMigration
{
    private static readonly string[] OldTables = ["berth_journal", "berth_journal_highest", "berth_snapshot"];

    /// <summary>Migrates when the old tables are there; returns how many events moved (0 when there was nothing to do).</summary>
    public static async Task<int> Run(string provider, string connectionString)
    {
        if (!await HasOldTables(provider, connectionString)) return 0;
        await CreateNewTables(provider, connectionString);

        await using var connection = StoreConnection.Open(provider, connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await EventHistoryMigration.ExpandSnapshot(connection, tx);
        // Oldest first, so the journal's global ordering (what the read journal pages by) follows the old write times.
        var events = await Execute(connection, tx, """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
            SELECT written_at, FALSE, persistence_id, sequence_nr, payload, payload_manifest, serializer_id, NULLIF(writer, '')
            FROM berth_journal ORDER BY written_at, persistence_id, sequence_nr
            """);
        // A deleted prefix kept only its highest number; the Sql plugin keeps it as a row marked deleted.
        await Execute(connection, tx, """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
            SELECT 0, TRUE, h.persistence_id, h.sequence_nr, @empty, '', NULL, NULL
            FROM berth_journal_highest h
            WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.persistence_id = h.persistence_id AND j.sequence_number >= h.sequence_nr)
            """, ("@empty", Array.Empty<byte>()));
        await EventHistoryMigration.Tag(connection, tx);
        // The event log's snapshot is journal rows now (ExpandSnapshot).
        await Execute(connection, tx, """
            INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id)
            SELECT persistence_id, sequence_nr, created_at, payload, payload_manifest, serializer_id FROM berth_snapshot
            WHERE persistence_id <> @events
            """, ("@events", EventHistoryMigration.PersistenceId));
        foreach (var table in OldTables)
            await Execute(connection, tx, $"ALTER TABLE {table} RENAME TO {table}_0_1_0");
        await tx.CommitAsync();
        return events;
    }

    private static async Task<bool> HasOldTables(string provider, string connectionString)
    {
        await using var connection = StoreConnection.Open(provider, connectionString);
        await connection.OpenAsync();
        var sql = provider == "sqlite"
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'berth_journal'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'berth_journal'";
        await using var query = StoreConnection.Command(connection, null, sql);
        return Convert.ToInt64(await query.ExecuteScalarAsync()) > 0;
    }

    /// <summary>
    /// The Sql plugin creates its own tables (auto-initialize); a short-lived actor system with only its journal and
    /// snapshot store lets it, so the tables, keys and indexes are exactly the plugin's on either provider.
    /// </summary>
    private static async Task CreateNewTables(string provider, string connectionString)
    {
        var config = ConfigurationFactory.ParseString(JournalPlugins.Hocon(provider, connectionString) + "\nakka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");
        var system = ActorSystem.Create("berth-migration", config);
        try
        {
            var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
            var timeout = TimeSpan.FromSeconds(60);
            // Both plugins stash requests until their tables exist: an answer to each proves they do.
            await persistence.JournalFor(null).Ask<object>(replyTo => new ReplayMessages(1, 0, 0, "berth-migration", replyTo), timeout, CancellationToken.None);
            await persistence.SnapshotStoreFor(null).Ask<object>(new LoadSnapshot("berth-migration", SnapshotSelectionCriteria.Latest, long.MaxValue), timeout);
        }
        finally { await system.Terminate(); }
    }

    private static async Task<int> Execute(DbConnection connection, DbTransaction tx, string sql, params (string, object)[] parameters)
    {
        await using var command = StoreConnection.Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }
}
