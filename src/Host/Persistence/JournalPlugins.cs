namespace Berth.Host.Persistence;

/// <summary>The HOCON that makes <see cref="BerthJournal"/> and <see cref="BerthSnapshotStore"/> the actor system's default plugins.</summary>
public static class JournalPlugins
{
    public static string Hocon(string provider, string connectionString)
    {
        var settings = $"""
            provider = {Quote(provider)}
            connection-string = {Quote(connectionString)}
            plugin-dispatcher = "akka.actor.default-dispatcher"
            """;
        return $$"""
            akka.persistence.journal.plugin = "akka.persistence.journal.berth"
            akka.persistence.journal.berth {
              class = {{Quote(ClassName<BerthJournal>())}}
              {{settings}}
            }
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.berth"
            akka.persistence.snapshot-store.berth {
              class = {{Quote(ClassName<BerthSnapshotStore>())}}
              {{settings}}
            }
            """;
    }

    private static string ClassName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
