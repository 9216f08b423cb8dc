namespace Berth.Host.Configuration;

/// <summary>Everything berthd is told at start, from flags and the config file, after validation.</summary>
public sealed record DaemonOptions
{
    public const string DefaultSocket = "unix:///run/berth/berth.sock";

    public IReadOnlyList<string> Hosts { get; init; } = [DefaultSocket];
    public string DataRoot { get; init; } = "/var/lib/berth";
    public string ExecRoot { get; init; } = "/run/berth";
    public string? ConfigFile { get; init; }
    public string LogLevel { get; init; } = "info";
    public string? PidFile { get; init; }
    public bool Debug { get; init; }
    public TlsOptions Tls { get; init; } = new();
    /// <summary>Accept plain TCP on a non-loopback address; off unless asked for by name.</summary>
    public bool InsecureTcp { get; init; }
    /// <summary>dockerd's --api-cors-header: the web origin allowed to use the API ("*" = any); null refuses every browser.</summary>
    public string? ApiCorsHeader { get; init; }
    public string DefaultRuntime { get; init; } = "berth-runtime";
    public IReadOnlyDictionary<string, string> Runtimes { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> RegistryMirrors { get; init; } = [];
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public bool LiveRestore { get; init; } = true;
    public IReadOnlyDictionary<string, string> LogOpts { get; init; } = new Dictionary<string, string>();
    public PersistenceOptions Persistence { get; init; } = new();
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The SQLite file used when no other store is configured.</summary>
    public string DefaultDatabasePath => Path.Combine(DataRoot, "berth.db");
}

/// <summary>TLS settings of the TCP listeners (docker's --tls* flags).</summary>
public sealed record TlsOptions
{
    public bool Tls { get; init; }
    public bool Verify { get; init; }
    public string? CaCert { get; init; }
    public string? Cert { get; init; }
    public string? Key { get; init; }
}

/// <summary>Which journal and snapshot store the actors persist to.</summary>
public sealed record PersistenceOptions
{
    /// <summary>"sqlite" (default, embedded) or "postgresql".</summary>
    public string Provider { get; init; } = "sqlite";
    /// <summary>Connection string; for SQLite defaults to &lt;data-root&gt;/berth.db.</summary>
    public string? ConnectionString { get; init; }
}

/// <summary>A configuration problem; berthd prints its message on one line and exits 1.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
