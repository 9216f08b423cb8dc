using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Berth.Actors.Protocol;

namespace Berth.Host.Persistence;

/// <summary>
/// berthd's event journal: one row per event in <c>berth_journal</c>, over plain ADO.NET on SQLite or PostgreSQL.
/// Deleting events keeps their highest sequence number in <c>berth_journal_highest</c>, so an actor never reuses one.
/// </summary>
public sealed class BerthJournal : AsyncWriteJournal
{
    private readonly JournalDatabase _db;
    private readonly Akka.Serialization.Serialization _serialization;

    public BerthJournal(Config config)
    {
        _db = JournalDatabase.Acquire(config);
        _serialization = Context.System.Serialization;
    }

    protected override void PostStop()
    {
        _db.Release();
        base.PostStop();
    }

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var rows = new List<object[]>();
        var results = new Exception?[writes.Count];
        var pids = new List<string>();
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                // An atomic write is all or nothing: serialize every event before any row is queued.
                var events = ((IImmutableList<IPersistentRepresentation>)writes[i].Payload).Select(Row).ToList();
                rows.AddRange(events);
                pids.Add(writes[i].PersistenceId);
            }
            catch (Exception e) { results[i] = e; }
        }
        if (rows.Count > 0)
            await _db.Write(pids, (connection, tx) =>
            {
                foreach (var row in rows)
                {
                    using var insert = JournalDatabase.Command(connection, tx,
                        "INSERT INTO berth_journal (persistence_id, sequence_nr, written_at, writer, event_manifest, serializer_id, payload_manifest, payload) " +
                        "VALUES (@pid, @seq, @at, @writer, @event_manifest, @serializer, @payload_manifest, @payload)",
                        ("@pid", row[0]), ("@seq", row[1]), ("@at", row[2]), ("@writer", row[3]), ("@event_manifest", row[4]),
                        ("@serializer", row[5]), ("@payload_manifest", row[6]), ("@payload", row[7]));
                    insert.ExecuteNonQuery();
                }
            });
        return results.Any(r => r is not null) ? results.ToImmutableList() : null!;
    }

    private object[] Row(IPersistentRepresentation p)
    {
        var (serializer, manifest, bytes) = JournalDatabase.Serialize(_serialization, p.Payload);
        var at = p.Timestamp != 0 ? p.Timestamp : DateTime.UtcNow.Ticks;
        return [p.PersistenceId, p.SequenceNr, at, p.WriterGuid ?? "", p.Manifest ?? "", serializer, manifest, bytes];
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) =>
        _db.Write([persistenceId], (connection, tx) =>
        {
            using (var keep = JournalDatabase.Command(connection, tx,
                "INSERT INTO berth_journal_highest (persistence_id, sequence_nr) " +
                "SELECT persistence_id, MAX(sequence_nr) FROM berth_journal WHERE persistence_id = @pid AND sequence_nr <= @to GROUP BY persistence_id " +
                $"ON CONFLICT (persistence_id) DO UPDATE SET sequence_nr = {_db.Dialect.Greatest}(berth_journal_highest.sequence_nr, excluded.sequence_nr)",
                ("@pid", persistenceId), ("@to", toSequenceNr)))
                keep.ExecuteNonQuery();
            using var delete = JournalDatabase.Command(connection, tx,
                "DELETE FROM berth_journal WHERE persistence_id = @pid AND sequence_nr <= @to", ("@pid", persistenceId), ("@to", toSequenceNr));
            delete.ExecuteNonQuery();
        });

    /// <summary>A retired id leaves no row behind: removed containers do not grow the journal forever.</summary>
    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not RetirePersistenceId retire) return false;
        _db.Write([retire.PersistenceId], (connection, tx) =>
        {
            foreach (var table in new[] { "berth_journal", "berth_journal_highest", "berth_snapshot" })
            {
                using var delete = JournalDatabase.Command(connection, tx, $"DELETE FROM {table} WHERE persistence_id = @pid", ("@pid", retire.PersistenceId));
                delete.ExecuteNonQuery();
            }
        });
        return true;
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        _db.Read(persistenceId, async connection =>
        {
            await using var query = JournalDatabase.Command(connection, null,
                "SELECT COALESCE(MAX(s), 0) FROM (SELECT MAX(sequence_nr) AS s FROM berth_journal WHERE persistence_id = @pid " +
                "UNION ALL SELECT sequence_nr AS s FROM berth_journal_highest WHERE persistence_id = @pid) AS highest",
                ("@pid", persistenceId));
            return Convert.ToInt64(await query.ExecuteScalarAsync());
        });

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0 || toSequenceNr < fromSequenceNr) return;
        var replayed = await _db.Read(persistenceId, async connection =>
        {
            await using var query = JournalDatabase.Command(connection, null,
                "SELECT sequence_nr, written_at, writer, event_manifest, serializer_id, payload_manifest, payload FROM berth_journal " +
                "WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to ORDER BY sequence_nr LIMIT @max",
                ("@pid", persistenceId), ("@from", fromSequenceNr), ("@to", toSequenceNr), ("@max", max));
            await using var reader = await query.ExecuteReaderAsync();
            var list = new List<IPersistentRepresentation>();
            while (await reader.ReadAsync()) list.Add(Persistent(reader, persistenceId));
            return list;
        });
        foreach (var p in replayed) recoveryCallback(p);
    }

    private Persistent Persistent(DbDataReader r, string persistenceId)
    {
        var payload = _serialization.Deserialize((byte[])r.GetValue(6), r.GetInt32(4), r.GetString(5));
        return new Persistent(payload, r.GetInt64(0), persistenceId, r.GetString(3),
            isDeleted: false, sender: ActorRefs.NoSender, writerGuid: r.GetString(2), timestamp: r.GetInt64(1));
    }
}
