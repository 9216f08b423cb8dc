using Berth.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Berth.Host.Tests.Persistence.Migration;

/// <summary>
/// A data root written by berthd 0.1.0 (its hand-written journal tables) starts under Akka.Persistence.Sql with
/// nothing lost: every container with its name, state and exit code, every image and every event come back, the
/// migration runs once, and the migrated containers keep working.
/// </summary>
/// <remarks>
/// The fixture data-root-0.1.0.tar.xz was made with berthd 0.1.0 (commit b46aade): docker import of a busybox tree
/// as busybox:fixture, tag fixture/tagged:v1, create made-only, run exited-three (exit 3), run -d --restart
/// unless-stopped stopped-later then stop it, create renamed-from and rename it to renamed-to, create and rm removed;
/// then SIGTERM. 35 journal rows, 18 of them engine events.
/// </remarks>
public abstract class MigrationSpecs : IAsyncLifetime
{
    protected readonly TempDir _dir = new("berth-test-migration");
    protected Berthd? _daemon;

    protected string DataRoot => _dir.Combine("data");
    protected string Database => Path.Combine(DataRoot, "berth.db");

    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataRoot);
        var fixture = Path.Combine(AppContext.BaseDirectory, "Persistence", "Migration", "data-root-0.1.0.tar.xz");
        var untar = await Run.Program("/bin/tar", ["-C", DataRoot, "-xJf", fixture]);
        Assert.True(untar.ExitCode == 0, untar.ToString());
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>The berthd arguments that select the store under test.</summary>
    protected abstract string[] StoreArguments { get; }

    /// <summary>The store's tables whose names start with berth_, sorted.</summary>
    protected abstract Task<List<string>> OldTables();

    protected Task<Berthd> StartBerthd() => Berthd.Start(_dir, StoreArguments);

    [Fact]
    public async Task Every_container_name_state_image_and_event_of_a_0_1_0_data_root_is_there_after_the_first_start()
    {
        _daemon = await StartBerthd();

        var ps = await Ok("ps", "-a", "--format", "{{.Names}} {{.State}} {{.Image}}");
        Assert.Equal(
            ["exited-three exited busybox:fixture", "made-only created busybox:fixture", "renamed-to created busybox:fixture", "stopped-later exited busybox:fixture"],
            ps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal("3", (await Ok("inspect", "-f", "{{.State.ExitCode}}", "exited-three")).Trim());
        Assert.Equal("137", (await Ok("inspect", "-f", "{{.State.ExitCode}}", "stopped-later")).Trim());
        Assert.Equal("out", (await Ok("logs", "exited-three")).Trim());

        var images = await Ok("images", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Equal(["busybox:fixture", "fixture/tagged:v1"], images.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        var events = (await Ok("events", "--since", "0", "--until", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(),
            "--format", "{{.Type}} {{.Action}} {{index .Actor.Attributes \"name\"}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(18, events.Length);
        Assert.Contains("container create made-only", events);
        Assert.Contains("container die exited-three", events);
        Assert.Contains("container rename renamed-to", events);
        Assert.Contains("container destroy removed", events);
        Assert.Contains(events, e => e.StartsWith("image tag", StringComparison.Ordinal));

        // The old tables are kept under new names, so the migration cannot run twice.
        Assert.Equal(["berth_journal_0_1_0", "berth_journal_highest_0_1_0", "berth_snapshot_0_1_0"], await OldTables());
        Assert.Contains("migrated 35 events of the berthd 0.1.0 journal", _daemon.Log);
    }

    [Fact]
    public async Task Migrated_containers_keep_their_history_through_later_changes_and_restarts()
    {
        _daemon = await StartBerthd();
        await Ok("rename", "made-only", "made-and-renamed");
        await Ok("rm", "renamed-to");
        await Ok("create", "--name", "made-after", "busybox:fixture", "true");
        Assert.Equal(0, await _daemon.Stop());
        await _daemon.DisposeAsync();

        _daemon = await StartBerthd();
        Assert.DoesNotContain("migrated", _daemon.Log);
        var ps = await Ok("ps", "-a", "--format", "{{.Names}} {{.State}}");
        Assert.Equal(["exited-three exited", "made-after created", "made-and-renamed created", "stopped-later exited"],
            ps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var events = await Ok("events", "--since", "0", "--until", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(), "--format", "{{.Action}}");
        Assert.Equal(18 + 3, events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    protected async Task<string> Ok(params string[] args)
    {
        var r = await Run.Docker(_daemon!.Host, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }
}

/// <summary>The fixture's own SQLite store, in the data root.</summary>
public sealed class SqliteMigrationSpecs : MigrationSpecs
{
    protected override string[] StoreArguments => [];

    [Fact]
    public async Task The_event_window_a_0_1_0_snapshot_held_is_history_after_the_migration()
    {
        // As 0.1.0 left a log past 500 events: a snapshot of the window (here three events) at sequence number 1000,
        // the journal rows up to it deleted, the later ones (the fixture's 18 events) after it.
        var window = Enumerable.Range(1, 3).Select(i => new Berth.Actors.Protocol.EngineEvent(
            "container", "create", $"snap{i}", new Dictionary<string, string> { ["name"] = $"from-snapshot-{i}" }, 1_000_000_000_000_000_000L + i)).ToList();
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var shift = connection.CreateCommand();
            shift.CommandText = """
                UPDATE berth_journal SET sequence_nr = sequence_nr + 1000 WHERE persistence_id = 'events';
                INSERT INTO berth_snapshot (persistence_id, sequence_nr, created_at, serializer_id, payload_manifest, payload)
                VALUES ('events', 1000, 0, 4242, 'events.snapshot.v1', @payload);
                """;
            shift.Parameters.AddWithValue("@payload", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { Events = window },
                Berth.Actors.Protocol.Serialization.BerthJsonSerializer.Json));
            shift.ExecuteNonQuery();
        }

        _daemon = await StartBerthd();
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var events = (await Ok("events", "--since", "0", "--until", until,
            "--format", "{{.Actor.ID}} {{index .Actor.Attributes \"name\"}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 + 18, events.Length);
        Assert.Equal(["snap1 from-snapshot-1", "snap2 from-snapshot-2", "snap3 from-snapshot-3"], events[..3]);
        Assert.Contains(events, e => e.EndsWith(" made-only", StringComparison.Ordinal));
        // And filtered as any other.
        Assert.Equal("snap2", (await Ok("events", "--since", "0", "--until", until, "--filter", "container=snap2", "--format", "{{.Actor.ID}}")).Trim());
    }

    protected override Task<List<string>> OldTables()
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'berth_%' ORDER BY name";
        return Task.FromResult(Names(command.ExecuteReader()));
    }

    internal static List<string> Names(System.Data.Common.DbDataReader reader)
    {
        using (reader)
        {
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            return names;
        }
    }
}

/// <summary>
/// The same store as 0.1.0 kept it on PostgreSQL (its schema, with the fixture's rows copied in) in a private
/// server the test starts; the SQLite file is removed, so only PostgreSQL can bring the state back.
/// </summary>
public sealed class PostgresMigrationSpecs : MigrationSpecs
{
    private Postgres _pg = null!;

    protected override string[] StoreArguments => ["--config-file", _dir.Combine("daemon.json")];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _pg = await Postgres.Start();
        await using (var pg = new NpgsqlConnection(_pg.ConnectionString))
        {
            await pg.OpenAsync();
            await Exec(pg, Schema010);
            using var sqlite = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
            sqlite.Open();
            foreach (var table in new[] { "berth_journal", "berth_journal_highest", "berth_snapshot" }) await Copy(sqlite, pg, table);
        }
        foreach (var f in Directory.GetFiles(DataRoot, "berth.db*")) File.Delete(f);
        await File.WriteAllTextAsync(_dir.Combine("daemon.json"),
            $$"""{ "persistence": { "provider": "postgresql", "connection-string": "{{_pg.ConnectionString}}" } }""");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _pg.DisposeAsync();
    }

    protected override async Task<List<string>> OldTables()
    {
        await using var pg = new NpgsqlConnection(_pg.ConnectionString);
        await pg.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'berth\\_%' ORDER BY table_name", pg);
        return SqliteMigrationSpecs.Names(await command.ExecuteReaderAsync());
    }

    /// <summary>berthd 0.1.0's tables on PostgreSQL (its JournalDialect with BIGINT and BYTEA).</summary>
    private const string Schema010 = """
        CREATE TABLE berth_journal (persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, written_at BIGINT NOT NULL,
            writer TEXT NOT NULL, event_manifest TEXT NOT NULL, serializer_id INTEGER NOT NULL, payload_manifest TEXT NOT NULL,
            payload BYTEA NOT NULL, PRIMARY KEY (persistence_id, sequence_nr));
        CREATE TABLE berth_journal_highest (persistence_id TEXT NOT NULL PRIMARY KEY, sequence_nr BIGINT NOT NULL);
        CREATE TABLE berth_snapshot (persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, created_at BIGINT NOT NULL,
            serializer_id INTEGER NOT NULL, payload_manifest TEXT NOT NULL, payload BYTEA NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr));
        """;

    /// <summary>Copies every row of a table, column by column, keeping SQLite's integer and blob values.</summary>
    private static async Task Copy(SqliteConnection from, NpgsqlConnection to, string table)
    {
        using var read = from.CreateCommand();
        read.CommandText = $"SELECT * FROM {table}";
        using var rows = read.ExecuteReader();
        var columns = Enumerable.Range(0, rows.FieldCount).Select(rows.GetName).ToList();
        while (rows.Read())
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))})", to);
            for (var i = 0; i < columns.Count; i++)
                insert.Parameters.Add(new NpgsqlParameter { Value = rows.GetValue(i) is long l && columns[i] == "serializer_id" ? (int)l : rows.GetValue(i) });
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
