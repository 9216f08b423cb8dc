namespace Berth.Shell.Cli;

/// <summary>Options before the verb (docker's global flags): where the daemon is and how to talk to it.</summary>
public sealed record GlobalOptions(string? Host, bool Debug, string LogLevel, bool Tls, bool TlsVerify,
    string? TlsCaCert, string? TlsCert, string? TlsKey)
{
    public const string DefaultHost = "unix:///run/berth/berth.sock";

    /// <summary>-H, then BERTH_HOST, then DOCKER_HOST, then the default socket.</summary>
    public string ResolvedHost => Host
        ?? NonEmpty(Environment.GetEnvironmentVariable("BERTH_HOST"))
        ?? NonEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
        ?? DefaultHost;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>Splits global flags from the verb and its arguments.</summary>
    public static (GlobalOptions Options, string[] Remaining) Parse(string[] args)
    {
        string? host = null, ca = null, cert = null, key = null; var debug = false; var level = "info"; bool tls = false, verify = false;
        var i = 0;
        for (; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith('-') || a == "-") break;
            string Value(string flag)
            {
                var eq = a.IndexOf('=');
                if (eq > 0) return a[(eq + 1)..];
                if (a.Length > 2 && a[1] != '-') return a[2..];
                if (i + 1 >= args.Length) throw new CliError($"flag needs an argument: {flag}", 125);
                return args[++i];
            }
            var name = a.Contains('=') ? a[..a.IndexOf('=')] : a.StartsWith("-H") && a.Length > 2 ? "-H" : a;
            switch (name)
            {
                case "-H" or "--host": host = Value(name); break;
                case "-D" or "--debug": debug = true; break;
                case "-l" or "--log-level": level = Value(name); break;
                case "--tls": tls = true; break;
                case "--tlsverify": verify = true; tls = true; break;
                case "--tlscacert": ca = Value(name); break;
                case "--tlscert": cert = Value(name); break;
                case "--tlskey": key = Value(name); break;
                case "-v" or "--version": return (new(host, debug, level, tls, verify, ca, cert, key), ["--version"]);
                case "-h" or "--help": return (new(host, debug, level, tls, verify, ca, cert, key), ["help"]);
                default: throw new CliError($"unknown flag: {name}\nSee 'berth --help'.", 125);
            }
        }
        return (new(host, debug, level, tls, verify, ca, cert, key), args[i..]);
    }
}
