using System.Text.Json;

namespace Berth.Shim.Monitor;

/// <summary>The one fact the shim reads from the bundle: whether the process wants a terminal.</summary>
internal static class BundleConfig
{
    public static bool WantsTerminal(string bundle)
    {
        var path = Path.Combine(bundle, "config.json");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.TryGetProperty("process", out var p)
                   && p.TryGetProperty("terminal", out var t)
                   && t.ValueKind == JsonValueKind.True;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read the bundle's config.json ({path}): {e.Message}", e);
        }
    }
}
