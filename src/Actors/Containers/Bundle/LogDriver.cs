using Berth.Actors.Protocol;
using Berth.Shim.Logging;

namespace Berth.Actors.Containers.Bundle;

/// <summary>The log drivers berthd has: json-file (rotated by the shim) and none.</summary>
public static class LogDriver
{
    private static readonly HashSet<string> JsonFileOptions = ["max-size", "max-file", "compress", "labels", "labels-regex", "env", "env-regex", "tag"];

    public static string Name(LogSettings c) => c.Driver is { Length: > 0 } t ? t : "json-file";

    public static void Validate(LogSettings c)
    {
        var name = Name(c);
        if (name is not ("json-file" or "none")) throw new HostConfigException($"logger: no log driver named '{name}' is registered");
        foreach (var (k, _) in c.Options ?? new Dictionary<string, string>())
            if (name == "none" || !JsonFileOptions.Contains(k)) throw new HostConfigException($"unknown log opt '{k}' for {name} log driver");
        Rotation(c, null);
    }

    /// <summary>max-size/max-file from the container, else the daemon's --log-opt, else docker's 10m × 3 for berth.</summary>
    public static LogRotation Rotation(LogSettings c, IReadOnlyDictionary<string, string>? daemon)
    {
        string? Opt(string key) => c.Options?.GetValueOrDefault(key) ?? (c.Driver is "" ? daemon?.GetValueOrDefault(key) : null);
        try
        {
            var size = Opt("max-size") is { } s ? LogRotation.ParseSize(s) : LogRotation.Default.MaxSize;
            var files = Opt("max-file") is { } f ? LogRotation.ParseFiles(f) : LogRotation.Default.MaxFiles;
            return new LogRotation(size, files);
        }
        catch (FormatException e) { throw new HostConfigException(e.Message); }
    }
}
