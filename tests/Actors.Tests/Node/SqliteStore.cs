namespace Berth.Actors.Tests.Node;

/// <summary>
/// HOCON for a node's store as berthd has it: Akka.Persistence.Sql's journal (events stored with their tags in the
/// tag table), snapshot store and read journal on one SQLite file under the data root. The node's event log answers
/// its history from that read journal (<see cref="ReadJournalId"/>).
/// </summary>
public static class SqliteStore
{
    public const string ReadJournalId = "akka.persistence.query.journal.sql";

    public static string Hocon(string dataRoot)
    {
        var settings = $"""
            provider-name = "SQLite.MS"
            connection-string = "Data Source={Path.Combine(dataRoot, "berth.db")}"
            table-mapping = default
            """;
        return $$"""
            akka.persistence.journal.plugin = "akka.persistence.journal.sql"
            akka.persistence.journal.sql {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              {{settings}}
              tag-write-mode = TagTable
            }
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
            akka.persistence.snapshot-store.sql {
              class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
              {{settings}}
            }
            akka.persistence.query.journal.sql {
              class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
              {{settings}}
              write-plugin = "akka.persistence.journal.sql"
              tag-read-mode = TagTable
              refresh-interval = 200ms
              journal-sequence-retrieval.query-delay = 200ms
            }
            """;
    }
}
