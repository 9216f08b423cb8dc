using System.Data.Common;
using System.Text.Json;
using Berth.Actors.Events;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Host.Persistence;

/// <summary>
/// The event log's part of <see cref="StoreMigration"/>. berthd 0.1.0 kept its event window in a snapshot (the journal
/// held only the events after it); now the history is a by-tag query over the journal. So the snapshot's events become
/// journal rows again (under the sequence numbers the snapshot had replaced, before the later ones), and every event
/// row gets its tags (<see cref="EventTags"/>). Runs inside the migration's transaction, after the journal rows moved
/// and before the deleted-prefix markers are written.
/// </summary>
public static class EventHistoryMigration
{
    public const string PersistenceId = EventLogActor.Name;

    /// <summary>berthd 0.1.0's snapshot of the event window (manifest events.snapshot.v1), as its serializer wrote it.</summary>
    private sealed record WindowSnapshot(List<EngineEvent> Events);

    /// <summary>Writes the events of 0.1.0's snapshot as journal rows; call before the other journal rows move, so they come first.</summary>
    public static async Task ExpandSnapshot(DbConnection connection, DbTransaction tx)
    {
        long sequenceNr;
        long created;
        byte[] payload;
        await using (var latest = StoreConnection.Command(connection, tx, """
            SELECT sequence_nr, created_at, payload FROM berth_snapshot WHERE persistence_id = @pid ORDER BY sequence_nr DESC LIMIT 1
            """, ("@pid", PersistenceId)))
        await using (var reader = await latest.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync()) return;
            (sequenceNr, created, payload) = (reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2]);
        }
        var window = JsonSerializer.Deserialize<WindowSnapshot>(payload, BerthJsonSerializer.Json)?.Events ?? [];
        // The snapshot replaced the events up to its sequence number: its window is the last of them. One still in the
        // old journal (0.1.0 deleted them only after the snapshot was saved) moves with the journal rows instead.
        var first = sequenceNr - window.Count + 1;
        for (var i = 0; i < window.Count; i++)
        {
            await using var insert = StoreConnection.Command(connection, tx, """
                INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
                SELECT @created, FALSE, @pid, @nr, @message, @manifest, @serializer, NULL
                WHERE NOT EXISTS (SELECT 1 FROM berth_journal WHERE persistence_id = @pid AND sequence_nr = @nr)
                """, ("@created", created), ("@pid", PersistenceId), ("@nr", first + i),
                ("@message", JsonSerializer.SerializeToUtf8Bytes(new EventRecorded(window[i]), BerthJsonSerializer.Json)),
                ("@manifest", BerthJsonSerializer.Registered[typeof(EventRecorded)]), ("@serializer", BerthJsonSerializer.Id));
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Tags every stored event row of the log (what the Sql journal does when it writes one).</summary>
    public static async Task Tag(DbConnection connection, DbTransaction tx)
    {
        var rows = new List<(long Ordering, long SequenceNr, string Type)>();
        await using (var select = StoreConnection.Command(connection, tx, """
            SELECT ordering, sequence_number, message FROM journal WHERE persistence_id = @pid AND NOT deleted AND manifest = @manifest
            """, ("@pid", PersistenceId), ("@manifest", BerthJsonSerializer.Registered[typeof(EventRecorded)])))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var recorded = JsonSerializer.Deserialize<EventRecorded>((byte[])reader[2], BerthJsonSerializer.Json);
                if (recorded is not null) rows.Add((reader.GetInt64(0), reader.GetInt64(1), recorded.Event.Type));
            }
        }
        foreach (var (ordering, sequenceNr, type) in rows)
        foreach (var tag in EventTags.For(new EngineEvent(type, "", "", new Dictionary<string, string>(), 0)))
        {
            await using var insert = StoreConnection.Command(connection, tx, """
                INSERT INTO tags (ordering_id, tag, persistence_id, sequence_nr) VALUES (@ordering, @tag, @pid, @nr)
                """, ("@ordering", ordering), ("@tag", tag), ("@pid", PersistenceId), ("@nr", sequenceNr));
            await insert.ExecuteNonQueryAsync();
        }
    }
}
