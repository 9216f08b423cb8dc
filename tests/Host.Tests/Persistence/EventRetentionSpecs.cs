using System.Text;
using System.Text.Json;
using Berth.TestSupport;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Tests.Persistence;

/// <summary>
/// The persisted event log is the journal, tagged, and stays bounded: each event is one journal row with its tags
/// (retention deletes the old rows, see Actors.Tests' EventLogSpecs), and one event carries at most
/// <see cref="Berth.Actors.Events.EventAttributes.MaxValueLength"/> characters per attribute.
/// </summary>
public sealed class EventRetentionSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("berth-test-evret");
    private Berthd _daemon = null!;
    private HttpClient _http = null!;

    private string Database => Path.Combine(_daemon.DataRoot, "berth.db");

    public async ValueTask InitializeAsync()
    {
        _daemon = await Berthd.Start(_dir);
        _http = UnixHttp.Client(_daemon.Socket);
        var import = await Run.Docker(_daemon.Host, "import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
        Assert.True(import.ExitCode == 0, import.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _daemon.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_event_is_one_journal_row_tagged_engine_event_and_its_type_and_the_log_keeps_no_snapshot()
    {
        for (var i = 0; i < 5; i++)
        {
            var tag = await _http.PostAsync($"/v1.41/images/busybox/tag?repo=tagged&tag=t{i}", null);
            Assert.True(tag.IsSuccessStatusCode, await tag.Content.ReadAsStringAsync());
        }
        var created = await Run.Docker(_daemon.Host, "create", "--name", "tagged-events", "busybox", "true");
        Assert.True(created.ExitCode == 0, created.ToString());
        // The history is read from the rows, after every event recorded before it is stored: one line per row.
        var history = await Run.Docker(_daemon.Host, "events", "--since", "0", "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
            "--format", "{{.Type}} {{.Action}}");
        Assert.True(history.ExitCode == 0, history.ToString());
        var lines = history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("container create", lines[^1]);

        var rows = Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'events' AND NOT deleted");
        Assert.Equal(lines.Length, rows);
        Assert.Equal(rows, Scalar("SELECT COUNT(*) FROM tags WHERE persistence_id = 'events' AND tag = 'engine-event'"));
        Assert.Equal(lines.Count(l => l.StartsWith("image ", StringComparison.Ordinal)), Scalar("SELECT COUNT(*) FROM tags WHERE persistence_id = 'events' AND tag = 'image'"));
        Assert.Equal(1, Scalar("""
            SELECT COUNT(*) FROM tags t JOIN journal j ON j.ordering = t.ordering_id
            WHERE t.tag = 'container' AND j.persistence_id = 'events' AND j.sequence_number = (SELECT MAX(sequence_number) FROM journal WHERE persistence_id = 'events')
            """));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'events'"));
    }

    [Fact]
    public async Task An_event_with_a_one_megabyte_label_is_capped_in_the_store_and_in_the_event_stream()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var big = new string('L', 1 << 20);
        var body = JsonSerializer.Serialize(new { Image = "busybox", Cmd = new[] { "true" }, Labels = new Dictionary<string, string> { ["big"] = big, ["small"] = "kept" } });
        var created = await _http.PostAsync("/v1.41/containers/create?name=labelled", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        var events = await Run.Docker(_daemon.Host, "events", "--since", since.ToString(), "--until", until.ToString(),
            "--filter", "event=create", "--format", "{{json .Actor.Attributes}}");
        Assert.True(events.ExitCode == 0, events.ToString());
        var attributes = JsonDocument.Parse(events.Stdout.Trim()).RootElement;
        Assert.Equal("kept", attributes.GetProperty("small").GetString());
        Assert.Equal(Berth.Actors.Events.EventAttributes.MaxValueLength, attributes.GetProperty("big").GetString()!.Length);

        // The label itself is intact on the container: only the event is capped.
        var inspect = await Run.Docker(_daemon.Host, "inspect", "-f", "{{len (index .Config.Labels \"big\")}}", "labelled");
        Assert.Equal((1 << 20).ToString(), inspect.Stdout.Trim());

        var stored = Scalar("SELECT MAX(LENGTH(message)) FROM journal WHERE persistence_id = 'events'");
        Assert.True(stored < 64 * 1024, $"the largest stored event has {stored} bytes");
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
