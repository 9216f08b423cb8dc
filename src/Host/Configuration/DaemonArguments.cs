namespace Berth.Host.Configuration;

/// <summary>Parses berthd's command line (dockerd's flag names) into raw settings keyed like daemon.json.</summary>
public static class DaemonArguments
{
    /// <summary>A flag: its daemon.json key, whether it takes a value, whether it may repeat.</summary>
    private sealed record Flag(string Key, bool TakesValue, bool Repeats = false);

    private static readonly Dictionary<string, Flag> Flags = new()
    {
        ["-H"] = new("hosts", true, true),
        ["--host"] = new("hosts", true, true),
        ["--data-root"] = new("data-root", true),
        ["--exec-root"] = new("exec-root", true),
        ["--config-file"] = new("config-file", true),
        ["--log-level"] = new("log-level", true),
        ["-l"] = new("log-level", true),
        ["--pidfile"] = new("pidfile", true),
        ["-p"] = new("pidfile", true),
        ["-D"] = new("debug", false),
        ["--debug"] = new("debug", false),
        ["--tls"] = new("tls", false),
        ["--tlsverify"] = new("tlsverify", false),
        ["--tlscacert"] = new("tlscacert", true),
        ["--tlscert"] = new("tlscert", true),
        ["--tlskey"] = new("tlskey", true),
        ["--insecure-tcp"] = new("insecure-tcp", false),
        ["--api-cors-header"] = new("api-cors-header", true),
        ["--default-runtime"] = new("default-runtime", true),
        ["--add-runtime"] = new("runtimes", true, true),
        ["--registry-mirror"] = new("registry-mirrors", true, true),
        ["--insecure-registry"] = new("insecure-registries", true, true),
        ["--live-restore"] = new("live-restore", false),
        ["--log-opt"] = new("log-opts", true, true),
        ["--label"] = new("labels", true, true),
        ["--persistence"] = new("persistence-provider", true),
        ["--persistence-connection"] = new("persistence-connection-string", true),
    };

    /// <summary>Result of parsing: values per key (lists for repeatable flags), or a request for help/version.</summary>
    public sealed record Parsed(IReadOnlyDictionary<string, List<string>> Values, bool Help, bool Version);

    public static Parsed Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, List<string>>();
        bool help = false, version = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") { help = true; continue; }
            if (arg is "-v" or "--version") { version = true; continue; }
            if (!arg.StartsWith('-'))
                throw new ConfigurationException($"berthd takes no arguments, got \"{arg}\" (see berthd --help)");

            string name = arg; string? inline = null;
            var eq = arg.IndexOf('=');
            if (eq > 0) { name = arg[..eq]; inline = arg[(eq + 1)..]; }
            else if (arg.Length > 2 && arg[1] != '-' && Flags.ContainsKey(arg[..2])) { name = arg[..2]; inline = arg[2..]; }
            if (!Flags.TryGetValue(name, out var flag))
                throw new ConfigurationException($"unknown flag: {name} (see berthd --help)");

            string value;
            if (flag.TakesValue)
            {
                if (inline != null) value = inline;
                else if (i + 1 < args.Count) value = args[++i];
                else throw new ConfigurationException($"flag needs an argument: {name}");
                if (value.Length == 0) throw new ConfigurationException($"flag {name} needs a non-empty value");
            }
            else
            {
                value = inline ?? "true";
                if (!bool.TryParse(value, out _))
                    throw new ConfigurationException($"invalid boolean value \"{value}\" for {name}");
                value = value.ToLowerInvariant();
            }

            if (!values.TryGetValue(flag.Key, out var list)) values[flag.Key] = list = [];
            else if (!flag.Repeats) throw new ConfigurationException($"flag {name} given more than once");
            list.Add(value);
        }
        return new Parsed(values, help, version);
    }

    public const string Usage = """
        Usage:  berthd [OPTIONS]

        A self-sufficient runtime for containers, speaking the Docker Engine API.

        Options:
          -H, --host list                 Daemon socket(s) to listen on (unix:///path, tcp://host:port)
              --data-root string          Root directory of persistent state (default "/var/lib/berth")
              --exec-root string          Root directory for execution state files (default "/run/berth")
              --config-file string        Daemon configuration file (JSON, dockerd's daemon.json shape)
          -l, --log-level string          Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")
          -p, --pidfile string            Path to use for daemon PID file
          -D, --debug                     Enable debug mode
              --tls                       Use TLS; implied by --tlsverify
              --tlsverify                 Use TLS and verify the remote (client certificates)
              --tlscacert string          Trust certs signed only by this CA
              --tlscert string            Path to TLS certificate file
              --tlskey string             Path to TLS key file
              --insecure-tcp              Allow plain TCP on non-loopback addresses (anyone who reaches it owns the host)
              --api-cors-header string    The one web origin whose pages may use the API ("*" for any); others are refused
              --default-runtime string    Default OCI runtime for containers (default "berth-runtime")
              --add-runtime name=path     Register an additional OCI runtime
              --registry-mirror list      Preferred registry mirror
              --insecure-registry list    Enable insecure registry communication
              --log-opt key=value         Default log driver options for containers
              --label key=value           Set key=value labels to the daemon
              --persistence string        Journal store: "sqlite" (default) or "postgresql"
              --persistence-connection s  Connection string of the journal store
          -v, --version                   Print version information and quit
        """;
}
