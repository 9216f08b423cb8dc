using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;

namespace Berth.Host.Persistence;

/// <summary>berthd's snapshot store: the latest snapshots per actor in <c>berth_snapshot</c>, in the journal's database.</summary>
public sealed class BerthSnapshotStore : SnapshotStore
{
    private const string Matching =
        "persistence_id = @pid AND sequence_nr <= @max_seq AND created_at <= @max_at AND sequence_nr >= @min_seq AND created_at >= @min_at";

    private readonly JournalDatabase _db;
    private readonly Akka.Serialization.Serialization _serialization;

    public BerthSnapshotStore(Config config)
    {
        _db = JournalDatabase.Acquire(config);
        _serialization = Context.System.Serialization;
    }

    protected override void PostStop()
    {
        _db.Release();
        base.PostStop();
    }

    protected override Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _db.Read<SelectedSnapshot?>(SnapshotKey(persistenceId), async connection =>
        {
            await using var query = JournalDatabase.Command(connection, null,
                $"SELECT sequence_nr, created_at, serializer_id, payload_manifest, payload FROM berth_snapshot WHERE {Matching} ORDER BY sequence_nr DESC LIMIT 1",
                Criteria(persistenceId, criteria));
            await using var r = await query.ExecuteReaderAsync();
            if (!await r.ReadAsync()) return null;
            var payload = _serialization.Deserialize((byte[])r.GetValue(4), r.GetInt32(2), r.GetString(3));
            return new SelectedSnapshot(new SnapshotMetadata(persistenceId, r.GetInt64(0), new DateTime(r.GetInt64(1), DateTimeKind.Utc)), payload);
        });

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var (serializer, manifest, bytes) = JournalDatabase.Serialize(_serialization, snapshot);
        var at = metadata.Timestamp == DateTime.MinValue ? DateTime.UtcNow.Ticks : metadata.Timestamp.Ticks;
        return _db.Write([SnapshotKey(metadata.PersistenceId)], (connection, tx) =>
        {
            using var upsert = JournalDatabase.Command(connection, tx,
                "INSERT INTO berth_snapshot (persistence_id, sequence_nr, created_at, serializer_id, payload_manifest, payload) " +
                "VALUES (@pid, @seq, @at, @serializer, @manifest, @payload) ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET " +
                "created_at = excluded.created_at, serializer_id = excluded.serializer_id, payload_manifest = excluded.payload_manifest, payload = excluded.payload",
                ("@pid", metadata.PersistenceId), ("@seq", metadata.SequenceNr), ("@at", at), ("@serializer", serializer),
                ("@manifest", manifest), ("@payload", bytes));
            upsert.ExecuteNonQuery();
        });
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken) =>
        _db.Write([SnapshotKey(metadata.PersistenceId)], (connection, tx) =>
        {
            using var delete = JournalDatabase.Command(connection, tx, "DELETE FROM berth_snapshot WHERE persistence_id = @pid AND sequence_nr = @seq",
                ("@pid", metadata.PersistenceId), ("@seq", metadata.SequenceNr));
            delete.ExecuteNonQuery();
        });

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _db.Write([SnapshotKey(persistenceId)], (connection, tx) =>
        {
            using var delete = JournalDatabase.Command(connection, tx, $"DELETE FROM berth_snapshot WHERE {Matching}", Criteria(persistenceId, criteria));
            delete.ExecuteNonQuery();
        });

    private static (string, object)[] Criteria(string persistenceId, SnapshotSelectionCriteria c) =>
    [
        ("@pid", persistenceId), ("@max_seq", c.MaxSequenceNr), ("@max_at", c.MaxTimeStamp.Ticks),
        ("@min_seq", c.MinSequenceNr), ("@min_at", c.MinTimestamp?.Ticks ?? 0L),
    ];

    // Snapshot writes and journal writes of one actor order independently; keep their pending sets apart.
    private static string SnapshotKey(string persistenceId) => "snapshot:" + persistenceId;
}
