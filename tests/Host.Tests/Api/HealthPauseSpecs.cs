namespace Berth.Host.Tests.Api;

/// <summary>Health checks and docker pause: no probe runs in a frozen container, and the checks go on after unpause.</summary>
public sealed class HealthPauseSpecs : SelfHealingDaemon
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Health_checks_resume_after_a_pause()
    {
        var name = Name("paused");
        await Ok("run", "-d", "--name", name, "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms", "--health-retries", "1",
            "busybox", "sleep", "1000");
        var pid = (await Inspect(name)).GetProperty("State").GetProperty("Pid").GetInt32();
        await Until(name, c => Health(c) == "unhealthy", "unhealthy without /tmp/ok");

        await Ok("pause", name);
        // Several probe intervals pass while frozen (this only makes sure ticks fell into the pause; nothing is timed).
        await Task.Delay(Interval * 5, TestContext.Current.CancellationToken);
        await Ok("unpause", name);
        await File.WriteAllTextAsync($"/proc/{pid}/root/tmp/ok", "", TestContext.Current.CancellationToken);

        await Until(name, c => Health(c) == "healthy", "healthy once /tmp/ok exists after the unpause");
    }

    private static string? Health(System.Text.Json.JsonElement c) =>
        c.GetProperty("State").TryGetProperty("Health", out var h) && h.ValueKind == System.Text.Json.JsonValueKind.Object
            ? h.GetProperty("Status").GetString() : null;
}
