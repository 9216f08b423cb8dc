using System.Text;
using System.Text.Json;
using Berth.TestSupport;
using Microsoft.Data.Sqlite;

namespace Berth.Host.Tests.Persistence;

/// <summary>
/// The persisted event log stays bounded: only the latest snapshot of the event window is kept, and one event
/// carries at most <see cref="Berth.Actors.Events.EventAttributes.MaxValueLength"/> characters per attribute.
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
    public async Task Only_the_latest_snapshot_of_the_event_log_is_kept()
    {
        // 1100 events (tag, untag), so the log has snapshotted at least twice (every 500 events).
        for (var i = 0; i < 550; i++)
        {
            var tag = await _http.PostAsync($"/v1.41/images/busybox/tag?repo=retention&tag=t{i}", null);
            Assert.True(tag.IsSuccessStatusCode, await tag.Content.ReadAsStringAsync());
            var untag = await _http.DeleteAsync($"/v1.41/images/retention:t{i}");
            Assert.True(untag.IsSuccessStatusCode, await untag.Content.ReadAsStringAsync());
        }

        // Snapshots are written in the background: wait for the one at 1000 events.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (LatestEventSnapshot() < 1000 && DateTime.UtcNow < deadline) await Task.Delay(100, TestContext.Current.CancellationToken);

        Assert.True(LatestEventSnapshot() >= 1000, "no snapshot of the event log at 1000 events");
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'events'"));
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

    private long LatestEventSnapshot() => Scalar("SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = 'events'");

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
