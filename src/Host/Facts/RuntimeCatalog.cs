using Berth.Host.Configuration;

namespace Berth.Host.Facts;

/// <summary>The OCI runtimes berthd can use, by name: its own berth-runtime, runc and crun when installed, and --add-runtime ones.</summary>
public sealed class RuntimeCatalog
{
    private readonly Dictionary<string, string> _paths = new();

    public RuntimeCatalog(DaemonOptions options)
    {
        _paths["berth-runtime"] = Path.Combine(AppContext.BaseDirectory, "berth-runtime");
        foreach (var name in new[] { "runc", "crun" })
            if (FindOnPath(name) is { } p) _paths[name] = p;
        foreach (var (name, path) in options.Runtimes) _paths[name] = path;
        Default = options.DefaultRuntime;
        if (!_paths.ContainsKey(Default))
            throw new ConfigurationException($"default runtime \"{Default}\" is unknown: known runtimes are {string.Join(", ", _paths.Keys)}");
    }

    public string Default { get; }

    public IReadOnlyDictionary<string, string> All => _paths;

    public string? PathOf(string name) => _paths.GetValueOrDefault(name);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
