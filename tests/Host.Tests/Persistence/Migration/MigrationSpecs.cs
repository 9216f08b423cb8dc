using Berth.TestSupport;
using Microsoft.Data.Sqlite;

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
public sealed class MigrationSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("berth-test-migration");
    private Berthd? _daemon;

    private string DataRoot => _dir.Combine("data");
    private string Database => Path.Combine(DataRoot, "berth.db");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataRoot);
        var fixture = Path.Combine(AppContext.BaseDirectory, "Persistence", "Migration", "data-root-0.1.0.tar.xz");
        var untar = await Run.Program("/bin/tar", ["-C", DataRoot, "-xJf", fixture]);
        Assert.True(untar.ExitCode == 0, untar.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_container_name_state_image_and_event_of_a_0_1_0_data_root_is_there_after_the_first_start()
    {
        _daemon = await Berthd.Start(_dir);

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
        Assert.Equal(["berth_journal_0_1_0", "berth_journal_highest_0_1_0", "berth_snapshot_0_1_0"], OldTables());
        Assert.Contains("migrated 35 events of the berthd 0.1.0 journal", _daemon.Log);
    }

    [Fact]
    public async Task Migrated_containers_keep_their_history_through_later_changes_and_restarts()
    {
        _daemon = await Berthd.Start(_dir);
        await Ok("rename", "made-only", "made-and-renamed");
        await Ok("rm", "renamed-to");
        await Ok("create", "--name", "made-after", "busybox:fixture", "true");
        Assert.Equal(0, await _daemon.Stop());
        await _daemon.DisposeAsync();

        _daemon = await Berthd.Start(_dir);
        Assert.DoesNotContain("migrated", _daemon.Log);
        var ps = await Ok("ps", "-a", "--format", "{{.Names}} {{.State}}");
        Assert.Equal(["exited-three exited", "made-after created", "made-and-renamed created", "stopped-later exited"],
            ps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var events = await Ok("events", "--since", "0", "--until", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(), "--format", "{{.Action}}");
        Assert.Equal(18 + 3, events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

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

        _daemon = await Berthd.Start(_dir);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var events = (await Ok("events", "--since", "0", "--until", until,
            "--format", "{{.Actor.ID}} {{index .Actor.Attributes \"name\"}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 + 18, events.Length);
        Assert.Equal(["snap1 from-snapshot-1", "snap2 from-snapshot-2", "snap3 from-snapshot-3"], events[..3]);
        Assert.Contains(events, e => e.EndsWith(" made-only", StringComparison.Ordinal));
        // And filtered as any other.
        Assert.Equal("snap2", (await Ok("events", "--since", "0", "--until", until, "--filter", "container=snap2", "--format", "{{.Actor.ID}}")).Trim());
    }

    private List<string> OldTables()
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'berth_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private async Task<string> Ok(params string[] args)
    {
        var r = await Run.Docker(_daemon!.Host, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }
}
