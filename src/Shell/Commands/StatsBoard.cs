using System.Text.Json;
using Berth.Shell.Cli;
using Berth.Shell.Client;
using Berth.Shell.Formatting;

namespace Berth.Shell.Commands;

/// <summary>The containers docker stats shows, each fed by its own stats stream from the daemon.</summary>
internal sealed class StatsBoard(EngineClient client, bool truncate, bool noStream, CancellationToken ct)
{
    private sealed class Entry(StatsRow row)
    {
        public StatsRow Row = row;
        public readonly TaskCompletionSource First = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Gone;
    }

    private readonly Dictionary<string, Entry> _entries = new();
    private readonly Lock _lock = new();

    public bool AllGone { get { lock (_lock) return _entries.Values.All(e => e.Gone); } }

    public void Follow(string container, string id)
    {
        var entry = new Entry(new StatsRow(container, id, "", truncate));
        lock (_lock)
        {
            if (_entries.ContainsKey(id)) return;
            _entries[id] = entry;
        }
        _ = Read(id, entry);
    }

    public async Task FollowListed(bool all)
    {
        var listed = await client.GetJsonAsync("/containers/json", new QueryString().Flag("all", all));
        var ids = new HashSet<string>();
        foreach (var c in listed.EnumerateArray())
        {
            var id = c.GetProperty("Id").GetString()!;
            ids.Add(id);
            Follow(truncate ? id[..12] : id, id);
        }
        lock (_lock)
            foreach (var gone in _entries.Keys.Where(k => !ids.Contains(k)).ToList()) _entries.Remove(gone);
    }

    public Task FirstReadings()
    {
        lock (_lock) return Task.WhenAll(_entries.Values.Select(e => e.First.Task));
    }

    public IReadOnlyList<StatsRow> Rows()
    {
        lock (_lock) return _entries.Values.Select(e => e.Row).ToList();
    }

    private async Task Read(string id, Entry entry)
    {
        try
        {
            var q = new QueryString().Bool("stream", !noStream);
            await using var stream = await client.OpenStreamAsync(HttpMethod.Get, $"/containers/{id}/stats", q, ct: ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                var name = doc.RootElement.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                var row = new StatsRow(entry.Row.Container, id, name, truncate).With(doc.RootElement);
                lock (_lock) entry.Row = row;
                entry.First.TrySetResult();
            }
        }
        catch (Exception e) when (e is DaemonError or IOException or HttpRequestException or OperationCanceledException or JsonException) { }
        finally
        {
            entry.Gone = true;
            entry.First.TrySetResult();
        }
    }
}
