using System.Text;
using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// Nothing in berthd keeps a container's 50 MB label alive once the container is gone (events, their window and
/// snapshots, caches), and the idle trim gives the memory back to the OS.
/// </summary>
public sealed class LargeLabelMemorySpecs : DaemonSpecs
{
    private const int LabelBytes = 50 << 20;

    // Generous: well under one copy of the label (50 MB as UTF-8, 100 MB as a .NET string), well over GC noise.
    private const long AllowedGrowth = 32L << 20;

    [Fact]
    public async Task After_a_container_with_a_50_MB_label_is_removed_berthd_returns_to_about_its_earlier_size()
    {
        using var http = UnixHttp.Client(Daemon.Socket);
        var import = await Run.Docker(Daemon.Host, "import", "-c", "CMD [\"sh\"]", Rootfs, "busybox");
        Assert.True(import.ExitCode == 0, import.ToString());
        // Warm up the paths the big create takes, so "before" is the daemon in use, not the daemon just started.
        await CreateAndRemove(http, "warm");
        var before = await SettledRss();

        await CreateAndRemove(http, new string('L', LabelBytes));

        var after = await SettledRss(until: rss => rss <= before + AllowedGrowth);
        Assert.True(after <= before + AllowedGrowth,
            $"berthd's RSS was {before >> 20} MB before the 50 MB label and is {after >> 20} MB after the container is gone");
    }

    private static async Task CreateAndRemove(HttpClient http, string label)
    {
        var body = JsonSerializer.Serialize(new { Image = "busybox", Cmd = new[] { "true" }, Labels = new Dictionary<string, string> { ["big"] = label } });
        using var created = await http.PostAsync("/v1.41/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString();
        using var removed = await http.DeleteAsync($"/v1.41/containers/{id}");
        Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// berthd's RSS once it has stopped shrinking (the idle trim runs after 2 s without requests), or as soon as
    /// <paramref name="until"/> holds (the idle trim's follow-ups come up to 70 s later); at most three minutes of
    /// polling, as a hang guard.
    /// </summary>
    private async Task<long> SettledRss(Func<long, bool>? until = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var last = Rss();
        var steady = 0;
        while (DateTime.UtcNow < deadline && (until == null ? steady < 5 : !until(last)))
        {
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            var now = Rss();
            steady = Math.Abs(now - last) < (1 << 20) ? steady + 1 : 0;
            last = now;
        }
        return last;
    }

    private long Rss()
    {
        var line = File.ReadLines($"/proc/{Daemon.Pid}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
