namespace Berth.Host.Persistence;

/// <summary>
/// The HOCON that makes Akka.Persistence.Sql (over linq2db) the actor system's journal, snapshot store and read
/// journal, on SQLite or PostgreSQL, with berth's journal subclass for its own failure messages and retirements.
/// </summary>
public static class JournalPlugins
{
    public const string JournalId = "akka.persistence.journal.sql";
    public const string SnapshotStoreId = "akka.persistence.snapshot-store.sql";
    public const string ReadJournalId = "akka.persistence.query.journal.sql";

    /// <summary>linq2db's provider name for a berth provider (sqlite, postgresql).</summary>
    public static string ProviderName(string provider) => provider switch
    {
        "sqlite" => "SQLite.MS",
        "postgresql" => "PostgreSQL",
        _ => throw new ArgumentException($"invalid persistence provider \"{provider}\": use sqlite or postgresql"),
    };

    /// <summary>The configured connection string; SQLite defaults to the data root's berth.db.</summary>
    public static string ConnectionString(Berth.Host.Configuration.PersistenceOptions p, string sqliteFile) =>
        p.Provider == "postgresql" ? p.ConnectionString! : p.ConnectionString ?? $"Data Source={sqliteFile}";

    public static string Hocon(string provider, string connectionString)
    {
        var settings = $"""
            provider-name = {Quote(ProviderName(provider))}
            connection-string = {Quote(connectionString)}
            table-mapping = default
            """;
        return $$"""
            akka.persistence.journal.plugin = "{{JournalId}}"
            akka.persistence.journal.sql {
              class = {{Quote(ClassName<BerthSqlJournal>())}}
              {{settings}}
              tag-write-mode = TagTable
              # 0.1.0's events with docker's shapes in them are read as berth's records
              event-adapters { docker-shapes-v1 = {{Quote(ClassName<DockerShapesUpcast>())}} }
              event-adapter-bindings {
                {{Quote(ClassName<Berth.Actors.Containers.ContainerCreatedV1>())}} = docker-shapes-v1
                {{Quote(ClassName<Berth.Actors.Containers.ContainerResourcesUpdatedV1>())}} = docker-shapes-v1
              }
            }
            akka.persistence.snapshot-store.plugin = "{{SnapshotStoreId}}"
            akka.persistence.snapshot-store.sql {
              class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
              {{settings}}
            }
            akka.persistence.query.journal.sql {
              class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
              {{settings}}
              write-plugin = "{{JournalId}}"
              tag-read-mode = TagTable
              # The event log's history (GET /events?since=) is a by-tag query: it waits until the read journal's
              # ordering tracker has seen the last row written (it polls every query-delay), and a gap in the
              # orderings holds the tracker for query-delay x max-tries (at start it counts from 0, so rows deleted
              # earlier by retention or retirements are one; so is an aborted insert). The defaults (1s, 10) would
              # make a history up to 2 s late and 10 s late after a start; these make it about 0.4 s and 1 s.
              refresh-interval = 200ms
              journal-sequence-retrieval {
                query-delay = 200ms
                max-tries = 5
              }
            }
            """;
    }

    private static string ClassName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
