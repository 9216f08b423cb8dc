using System.Net;
using System.Text.Json;

namespace Berth.Host.Configuration;

/// <summary>Merges the config file (daemon.json shape plus berth's own "persistence") with flags, the way dockerd does.</summary>
public static class DaemonConfiguration
{
    /// <summary>Keys accepted in the config file; anything else is an error, as in dockerd.</summary>
    private static readonly HashSet<string> FileKeys =
    [
        "hosts", "data-root", "exec-root", "log-level", "pidfile", "debug", "tls", "tlsverify", "tlscacert",
        "tlscert", "tlskey", "insecure-tcp", "api-cors-header", "default-runtime", "runtimes", "registry-mirrors",
        "insecure-registries", "live-restore", "log-opts", "log-driver", "labels", "persistence",
    ];

    public static DaemonOptions Build(DaemonArguments.Parsed parsed)
    {
        var flags = parsed.Values;
        var file = flags.TryGetValue("config-file", out var cf) ? ReadFile(cf[0]) : new Dictionary<string, JsonElement>();

        var both = file.Keys.Where(k => flags.ContainsKey(k) || (k == "persistence" && flags.Keys.Any(f => f.StartsWith("persistence-")))).ToList();
        if (both.Count > 0)
            throw new ConfigurationException(
                "the following directives are specified both as a flag and in the configuration file: " + string.Join(", ", both));

        string? Str(string key) => flags.TryGetValue(key, out var v) ? v[0] : file.TryGetValue(key, out var e) ? AsString(key, e) : null;
        bool? Bool(string key) => flags.TryGetValue(key, out var v) ? v[0] == "true" : file.TryGetValue(key, out var e) ? AsBool(key, e) : null;
        List<string>? List(string key) => flags.TryGetValue(key, out var v) ? v : file.TryGetValue(key, out var e) ? AsList(key, e) : null;

        var persistenceFile = file.TryGetValue("persistence", out var pe) ? AsMap("persistence", pe) : new Dictionary<string, string>();
        var options = new DaemonOptions
        {
            ConfigFile = flags.TryGetValue("config-file", out var c) ? Path.GetFullPath(c[0]) : null,
            Hosts = List("hosts") is { Count: > 0 } hosts ? hosts : [DaemonOptions.DefaultSocket],
            DataRoot = AbsolutePath("data-root", Str("data-root") ?? "/var/lib/berth"),
            ExecRoot = AbsolutePath("exec-root", Str("exec-root") ?? "/run/berth"),
            LogLevel = Str("log-level") ?? (Bool("debug") == true ? "debug" : "info"),
            PidFile = Str("pidfile") is { } pid ? AbsolutePath("pidfile", pid) : null,
            Debug = Bool("debug") ?? false,
            Tls = new TlsOptions
            {
                Tls = Bool("tls") ?? false,
                Verify = Bool("tlsverify") ?? false,
                CaCert = Str("tlscacert"),
                Cert = Str("tlscert"),
                Key = Str("tlskey"),
            },
            InsecureTcp = Bool("insecure-tcp") ?? false,
            ApiCorsHeader = Str("api-cors-header") is { Length: > 0 } cors ? cors : null,
            DefaultRuntime = Str("default-runtime") ?? "berth-runtime",
            Runtimes = flags.TryGetValue("runtimes", out var rt) ? KeyValues("--add-runtime", rt)
                : file.TryGetValue("runtimes", out var re) ? RuntimesFromFile(re) : new Dictionary<string, string>(),
            RegistryMirrors = List("registry-mirrors") ?? [],
            InsecureRegistries = List("insecure-registries") ?? [],
            LiveRestore = Bool("live-restore") ?? true,
            LogOpts = flags.TryGetValue("log-opts", out var lo) ? KeyValues("--log-opt", lo)
                : file.TryGetValue("log-opts", out var le) ? AsMap("log-opts", le) : new Dictionary<string, string>(),
            Labels = List("labels") ?? [],
            Persistence = new PersistenceOptions
            {
                Provider = (flags.TryGetValue("persistence-provider", out var pp) ? pp[0] : persistenceFile.GetValueOrDefault("provider")) ?? "sqlite",
                ConnectionString = flags.TryGetValue("persistence-connection-string", out var pc) ? pc[0] : persistenceFile.GetValueOrDefault("connection-string"),
            },
        };
        Validate(options);
        return options;
    }

    private static void Validate(DaemonOptions o)
    {
        if (o.LogLevel is not ("debug" or "info" or "warn" or "error" or "fatal"))
            throw new ConfigurationException($"invalid log level \"{o.LogLevel}\": use debug, info, warn, error or fatal");
        if (o.Persistence.Provider is not ("sqlite" or "postgresql"))
            throw new ConfigurationException($"invalid persistence provider \"{o.Persistence.Provider}\": use sqlite or postgresql");
        if (o.Persistence.Provider == "postgresql" && string.IsNullOrWhiteSpace(o.Persistence.ConnectionString))
            throw new ConfigurationException("persistence provider postgresql needs a connection string (--persistence-connection or persistence.connection-string)");
        foreach (var h in o.Hosts) ListenAddress.Parse(h); // throws with the reason
        var tlsFiles = new[] { o.Tls.CaCert, o.Tls.Cert, o.Tls.Key };
        if (o.Tls.Verify && tlsFiles.Any(string.IsNullOrEmpty))
            throw new ConfigurationException("--tlsverify needs --tlscacert, --tlscert and --tlskey");
        if (o.Tls.Tls && !o.Tls.Verify && (o.Tls.Cert is null || o.Tls.Key is null))
            throw new ConfigurationException("--tls needs --tlscert and --tlskey");
        foreach (var f in tlsFiles.Where(f => f != null))
            if (!File.Exists(f)) throw new ConfigurationException($"TLS file {f} does not exist");
    }

    private static Dictionary<string, JsonElement> ReadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ConfigurationException($"unable to read configuration file {path}: {e.Message}"); }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ConfigurationException($"unable to parse configuration file {path}: {e.Message}"); }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new ConfigurationException($"configuration file {path} must hold a JSON object");
        var result = new Dictionary<string, JsonElement>();
        var unknown = new List<string>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (FileKeys.Contains(p.Name)) result[p.Name] = p.Value.Clone();
            else unknown.Add(p.Name);
        }
        if (unknown.Count > 0)
            throw new ConfigurationException($"the following directives don't match any configuration option: {string.Join(", ", unknown)} (in {path})");
        return result;
    }

    private static string AsString(string key, JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString()! : throw new ConfigurationException($"configuration option \"{key}\" must be a string");

    private static bool AsBool(string key, JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False
        ? e.GetBoolean() : throw new ConfigurationException($"configuration option \"{key}\" must be true or false");

    private static List<string> AsList(string key, JsonElement e) =>
        e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
            ? e.EnumerateArray().Select(x => x.GetString()!).ToList()
            : throw new ConfigurationException($"configuration option \"{key}\" must be a list of strings");

    private static Dictionary<string, string> AsMap(string key, JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.EnumerateObject().All(x => x.Value.ValueKind == JsonValueKind.String)
            ? e.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString()!)
            : throw new ConfigurationException($"configuration option \"{key}\" must be an object of strings");

    private static Dictionary<string, string> RuntimesFromFile(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ConfigurationException("configuration option \"runtimes\" must be an object");
        var map = new Dictionary<string, string>();
        foreach (var r in e.EnumerateObject())
            map[r.Name] = r.Value.ValueKind == JsonValueKind.Object && r.Value.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()! : throw new ConfigurationException($"runtime \"{r.Name}\" needs a \"path\"");
        return map;
    }

    private static Dictionary<string, string> KeyValues(string flag, IEnumerable<string> items)
    {
        var map = new Dictionary<string, string>();
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new ConfigurationException($"invalid {flag} \"{item}\": expected key=value");
            map[item[..eq]] = item[(eq + 1)..];
        }
        return map;
    }

    private static string AbsolutePath(string key, string path) => Path.IsPathRooted(path)
        ? Path.GetFullPath(path) : throw new ConfigurationException($"{key} must be an absolute path, got \"{path}\"");
}

/// <summary>One -H address: a unix socket path or a TCP endpoint.</summary>
public sealed record ListenAddress(string Original, string? UnixPath, IPEndPoint? Tcp)
{
    public bool IsLoopback => Tcp != null && IPAddress.IsLoopback(Tcp.Address);

    public static ListenAddress Parse(string value)
    {
        if (value.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = value["unix://".Length..];
            if (!Path.IsPathRooted(path)) throw new ConfigurationException($"invalid host \"{value}\": the unix socket path must be absolute");
            return new(value, path, null);
        }
        if (value.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var rest = value["tcp://".Length..].TrimEnd('/');
            if (IPEndPoint.TryParse(rest, out var ep) && ep.Port != 0) return new(value, null, ep);
            var colon = rest.LastIndexOf(':');
            if (colon > 0 && rest[..colon] == "localhost" && int.TryParse(rest[(colon + 1)..], out var port) && port is > 0 and < 65536)
                return new(value, null, new IPEndPoint(IPAddress.Loopback, port));
            throw new ConfigurationException($"invalid host \"{value}\": expected tcp://<ip>:<port>");
        }
        if (value.StartsWith('/')) return new("unix://" + value, value, null);
        throw new ConfigurationException($"invalid host \"{value}\": use unix:///path or tcp://<ip>:<port>");
    }
}
