using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Shim.Client;

namespace Berth.Actors.Containers;

/// <summary>
/// Runs one health probe inside a running container through its shim: the shim runs `runtime exec`, keeps the first
/// 4096 bytes of stdout and stderr together, and kills the probe at its timeout. berthd itself never forks.
/// </summary>
public static class HealthProbe
{
    public static async Task<HealthProbeResult> RunAsync(ContainerPaths paths, HealthCheck check)
    {
        var start = DateTimeOffset.UtcNow;
        try
        {
            using var process = JsonDocument.Parse(ProcessJson(paths.ConfigJson, check.Probe));
            // A connection of its own: the probe holds it for as long as it runs.
            await using var shim = await ShimClient.ConnectAsync(paths.StateDir);
            var result = await shim.ProbeAsync(process.RootElement, check.Timeout);
            var output = result.TimedOut ? $"Health check exceeded timeout ({Go(check.Timeout)})" : result.Output;
            return new HealthProbeResult(start, DateTimeOffset.UtcNow, result.ExitCode, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ShimException or JsonException)
        {
            return new HealthProbeResult(start, DateTimeOffset.UtcNow, -1, $"health probe could not run: {e.Message}");
        }
    }

    /// <summary>The container's own process (user, env, cwd, capabilities, rlimits, OOM score) with the probe's argv and no terminal.</summary>
    private static string ProcessJson(string configJson, IReadOnlyList<string> probe)
    {
        var config = JsonNode.Parse(File.ReadAllText(configJson)) as JsonObject ?? throw new IOException($"{configJson} is not a JSON object");
        var process = config["process"]?.DeepClone() as JsonObject ?? throw new IOException($"{configJson} has no process object");
        process["args"] = new JsonArray(probe.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        process["terminal"] = false;
        process.Remove("consoleSize");
        return process.ToJsonString();
    }

    /// <summary>Go's time.Duration text for the timeout message ("30s", "500ms").</summary>
    private static string Go(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0 ? $"{(long)t.TotalSeconds}s" : $"{t.TotalMilliseconds}ms";
}
