using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Formatting;
using static Berth.Shell.Cli.VerbArgs;

namespace Berth.Shell.Commands;

/// <summary>docker run/create's flags and their translation into the POST /containers/create body.</summary>
public static class RunOptions
{
    public static readonly Flag[] Flags =
    [
        Bool("Run container in background and print container ID", "-d", "--detach"),
        Bool("Keep STDIN open even if not attached", "-i", "--interactive"),
        Bool("Allocate a pseudo-TTY", "-t", "--tty"),
        Bool("Automatically remove the container when it exits", "--rm"),
        Value("Assign a name to the container", "--name"),
        Value("Set environment variables", "-e", "--env"),
        Value("Read in a file of environment variables", "--env-file"),
        Value("Working directory inside the container", "-w", "--workdir"),
        Value("Username or UID (format: <name|uid>[:<group|gid>])", "-u", "--user"),
        Value("Bind mount a volume", "-v", "--volume"),
        Value("Attach a filesystem mount to the container", "--mount"),
        Value("Mount a tmpfs directory", "--tmpfs"),
        Value("Restart policy to apply when a container exits", "--restart"),
        Value("Command to run to check health", "--health-cmd"),
        Value("Time between running the check (ms|s|m|h)", "--health-interval"),
        Value("Maximum time to allow one check to run (ms|s|m|h)", "--health-timeout"),
        Value("Consecutive failures needed to report unhealthy", "--health-retries"),
        Value("Start period for the container to initialize (ms|s|m|h)", "--health-start-period"),
        Value("What to do when the container becomes unhealthy: restart, kill, stop, none", "--health-on-failure"),
        Bool("Disable any container-specified HEALTHCHECK", "--no-healthcheck"),
        Value("Memory limit", "-m", "--memory"),
        Value("Swap limit equal to memory plus swap: '-1' to enable unlimited swap", "--memory-swap"),
        Value("Memory soft limit", "--memory-reservation"),
        Value("Limit CPU CFS (Completely Fair Scheduler) quota", "--cpu-quota"),
        Value("Limit CPU CFS (Completely Fair Scheduler) period", "--cpu-period"),
        Value("MEMs in which to allow execution (0-3, 0,1)", "--cpuset-mems"),
        Value("Size of /dev/shm", "--shm-size"),
        Value("Read in a line delimited file of labels", "--label-file"),
        Value("Set custom DNS search domains", "--dns-search"),
        Value("Set DNS options", "--dns-option"),
        Value("Number of CPUs", "--cpus"),
        Value("CPU shares (relative weight)", "-c", "--cpu-shares"),
        Value("CPUs in which to allow execution (0-3, 0,1)", "--cpuset-cpus"),
        Value("Tune container pids limit (set -1 for unlimited)", "--pids-limit"),
        Value("Add Linux capabilities", "--cap-add"),
        Value("Drop Linux capabilities", "--cap-drop"),
        Bool("Mount the container's root filesystem as read only", "--read-only"),
        Value("Overwrite the default ENTRYPOINT of the image", "--entrypoint"),
        Bool("Run an init inside the container that forwards signals and reaps processes", "--init"),
        Value("Set meta data on a container", "-l", "--label"),
        Value("Log driver options", "--log-opt"),
        Value("Logging driver for the container", "--log-driver"),
        Value("Signal to stop the container", "--stop-signal"),
        Value("Timeout (in seconds) to stop a container", "--stop-timeout"),
        Value("Connect a container to a network", "--network", "--net"),
        Value("Container host name", "-h", "--hostname"),
        Value("Runtime to use for this container", "--runtime"),
        Bool("Give extended privileges to this container", "--privileged"),
        Value("Add a host device to the container", "--device"),
        Value("Add a rule to the cgroup allowed devices list", "--device-cgroup-rule"),
        Value("Ulimit options", "--ulimit"),
        Value("Sysctl options", "--sysctl"),
        Value("Security Options", "--security-opt"),
        Value("Add a custom host-to-IP mapping (host:ip)", "--add-host"),
        Value("Set custom DNS servers", "--dns"),
        Value("Set platform if server is multi-platform capable", "--platform"),
        Value("Override the key sequence for detaching a container", "--detach-keys"),
        Value("Attach to STDIN, STDOUT or STDERR", "-a", "--attach"),
        Bool("Proxy received signals to the process (default true)", "--sig-proxy"),
    ];

    /// <summary>The create body (Config + HostConfig + NetworkingConfig) for IMAGE [COMMAND] [ARG...].</summary>
    public static JsonObject Body(VerbArgs a)
    {
        var image = a.Positionals[0];
        var cmd = a.Positionals.Skip(1).ToArray();
        var tty = a.Has("--tty");
        var interactive = a.Has("--interactive");
        var detach = a.Has("--detach");
        var attach = a.All("--attach");
        var env = new List<string>();
        foreach (var file in a.All("--env-file")) env.AddRange(EnvFile(file));
        foreach (var e in a.All("--env")) env.Add(e.Contains('=') ? e : Environment.GetEnvironmentVariable(e) is { } v ? $"{e}={v}" : e);

        var labels = new JsonObject();
        foreach (var file in a.All("--label-file")) foreach (var l in LineFile(file)) { var (k, v) = Split(l, '='); labels[k] = v; }
        foreach (var l in a.All("--label")) { var (k, v) = Split(l, '='); labels[k] = v; }
        if (a.Get("--health-on-failure") is { } onFailure)
        {
            if (onFailure is not ("restart" or "kill" or "stop" or "none"))
                throw new CliError($"invalid argument \"{onFailure}\" for \"--health-on-failure\": use restart, kill, stop or none", 125);
            labels["berth.health-on-failure"] = onFailure;
        }

        var config = new JsonObject
        {
            ["Hostname"] = a.Get("--hostname") ?? "",
            ["User"] = a.Get("--user") ?? "",
            ["AttachStdin"] = !detach && interactive,
            ["AttachStdout"] = !detach && (attach.Count == 0 || attach.Contains("stdout", StringComparer.OrdinalIgnoreCase)),
            ["AttachStderr"] = !detach && (attach.Count == 0 || attach.Contains("stderr", StringComparer.OrdinalIgnoreCase)),
            ["Tty"] = tty,
            ["OpenStdin"] = interactive,
            ["StdinOnce"] = interactive && !detach,
            ["Env"] = Array(env),
            ["Cmd"] = cmd.Length > 0 ? Array(cmd) : null,
            ["Image"] = image,
            ["WorkingDir"] = a.Get("--workdir") ?? "",
            ["Entrypoint"] = a.Get("--entrypoint") is { } ep ? Array(ep.Length == 0 ? [""] : [ep]) : null,
            ["Labels"] = labels,
        };
        if (a.Get("--stop-signal") is { } sig) config["StopSignal"] = sig;
        if (a.Get("--stop-timeout") is { } st) config["StopTimeout"] = Int(st, "--stop-timeout");
        if (a.Has("--no-healthcheck")) config["Healthcheck"] = new JsonObject { ["Test"] = Array(["NONE"]) };
        else if (a.Get("--health-cmd") is { } hc || a.Get("--health-interval") != null)
        {
            var h = new JsonObject();
            if (a.Get("--health-cmd") is { } c) h["Test"] = Array(["CMD-SHELL", c]);
            if (a.Get("--health-interval") is { } i) h["Interval"] = Nanos(i, "--health-interval");
            if (a.Get("--health-timeout") is { } t) h["Timeout"] = Nanos(t, "--health-timeout");
            if (a.Get("--health-start-period") is { } sp) h["StartPeriod"] = Nanos(sp, "--health-start-period");
            if (a.Get("--health-retries") is { } r) h["Retries"] = Int(r, "--health-retries");
            config["Healthcheck"] = h;
        }

        var restart = a.Get("--restart") ?? "no";
        var (policy, max) = Split(restart, ':');
        if (policy is not ("no" or "always" or "unless-stopped" or "on-failure"))
            throw new CliError($"invalid restart policy '{restart}'", 125);
        if (a.Has("--rm") && policy != "no") throw new CliError("Conflicting options: --restart and --rm", 125);

        var tmpfs = new JsonObject();
        foreach (var t in a.All("--tmpfs")) { var (path, opts) = Split(t, ':'); tmpfs[path] = opts; }
        var logOpts = new JsonObject();
        foreach (var o in a.All("--log-opt")) { var (k, v) = Split(o, '='); logOpts[k] = v; }
        var sysctls = new JsonObject();
        foreach (var s in a.All("--sysctl"))
        {
            if (!s.Contains('=')) throw new CliError($"invalid argument \"{s}\" for \"--sysctl\" flag: {s} is not a valid sysctl value", 125);
            var (k, v) = Split(s, '=');
            sysctls[k] = v;
        }
        foreach (var o in a.All("--log-opt"))
            if (!o.Contains('=')) throw new CliError($"invalid argument \"{o}\" for \"--log-opt\" flag: invalid key value pair format: {o}", 125);
        foreach (var h in a.All("--add-host"))
            if (h.IndexOf(':') <= 0) throw new CliError($"invalid argument \"{h}\" for \"--add-host\" flag: bad format for add-host: \"{h}\"", 125);
        foreach (var d in a.All("--dns"))
            if (!System.Net.IPAddress.TryParse(d, out _)) throw new CliError($"invalid argument \"{d}\" for \"--dns\" flag: ip address is not correctly formatted: {d}", 125);

        var host = new JsonObject
        {
            ["Binds"] = Array(a.All("--volume")),
            ["LogConfig"] = new JsonObject { ["Type"] = a.Get("--log-driver") ?? "", ["Config"] = logOpts },
            ["NetworkMode"] = a.Get("--network") ?? "default",
            ["RestartPolicy"] = new JsonObject { ["Name"] = policy == "no" ? "" : policy, ["MaximumRetryCount"] = max.Length > 0 ? Int(max, "--restart") : 0 },
            ["AutoRemove"] = a.Has("--rm"),
            ["CapAdd"] = Array(a.All("--cap-add")),
            ["CapDrop"] = Array(a.All("--cap-drop")),
            ["Privileged"] = a.Has("--privileged"),
            ["Devices"] = new JsonArray(a.All("--device").Select(Device).ToArray()),
            // docker's CLI sends null, not [], without the flag (inspect shows what was sent).
            ["DeviceCgroupRules"] = a.All("--device-cgroup-rule") is { Count: > 0 } rules ? Array(rules.Select(DeviceCgroupRule)) : null,
            ["ReadonlyRootfs"] = a.Has("--read-only"),
            ["SecurityOpt"] = Array(a.All("--security-opt")),
            ["Tmpfs"] = tmpfs,
            ["Sysctls"] = sysctls,
            ["ExtraHosts"] = Array(a.All("--add-host")),
            ["Dns"] = Array(a.All("--dns")),
            ["DnsSearch"] = Array(a.All("--dns-search")),
            ["DnsOptions"] = Array(a.All("--dns-option")),
            ["ShmSize"] = a.Get("--shm-size") is { } shm ? Bytes(shm, "--shm-size") : 0,
            ["MemoryReservation"] = a.Get("--memory-reservation") is { } mr ? Bytes(mr, "--memory-reservation") : 0,
            ["CpuQuota"] = a.Get("--cpu-quota") is { } cq ? Int(cq, "--cpu-quota") : 0,
            ["CpuPeriod"] = a.Get("--cpu-period") is { } cp ? Int(cp, "--cpu-period") : 0,
            ["CpusetMems"] = a.Get("--cpuset-mems") ?? "",
            ["Runtime"] = a.Get("--runtime") ?? "",
            ["Memory"] = a.Get("--memory") is { } m ? Bytes(m, "--memory") : 0,
            ["MemorySwap"] = a.Get("--memory-swap") is { } ms ? (ms == "-1" ? -1 : Bytes(ms, "--memory-swap")) : 0,
            ["NanoCpus"] = a.Get("--cpus") is { } cpus ? NanoCpus(cpus) : 0,
            ["CpuShares"] = a.Get("--cpu-shares") is { } cs ? Int(cs, "--cpu-shares") : 0,
            ["CpusetCpus"] = a.Get("--cpuset-cpus") ?? "",
            ["PidsLimit"] = a.Get("--pids-limit") is { } pl ? Int(pl, "--pids-limit") : null,
            ["Ulimits"] = new JsonArray(a.All("--ulimit").Select(Ulimit).ToArray()),
            ["Mounts"] = new JsonArray(a.All("--mount").Select(Mount).ToArray()),
        };
        if (a.Has("--init")) host["Init"] = true;
        host["ConsoleSize"] = new JsonArray(0, 0);
        config["HostConfig"] = host;
        config["NetworkingConfig"] = new JsonObject { ["EndpointsConfig"] = new JsonObject() };
        return config;
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    private static (string, string) Split(string s, char sep)
    {
        var i = s.IndexOf(sep);
        return i < 0 ? (s, "") : (s[..i], s[(i + 1)..]);
    }

    private static long Int(string s, string flag) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
        ? v : throw new CliError($"invalid argument \"{s}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{s}\": invalid syntax", 125);

    private static long Nanos(string s, string flag) => GoDuration.TryParse(s, out var d)
        ? d.Ticks * 100 : throw new CliError($"invalid argument \"{s}\" for \"{flag}\" flag: time: invalid duration \"{s}\"", 125);

    /// <summary>docker's RAMInBytes: 64m = 64 MiB; plain numbers are bytes.</summary>
    public static long Bytes(string s, string flag)
    {
        var t = s.Trim().ToLowerInvariant().TrimEnd('b');
        var mult = t.Length > 0 ? t[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 't' => 1L << 40, _ => 1L } : 1L;
        if (mult != 1) t = t[..^1];
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? (long)(v * mult) : throw new CliError($"invalid argument \"{s}\" for \"{flag}\" flag: invalid size: '{s}'", 125);
    }

    /// <summary>--cpus (run, create and update): a rational number of CPUs as nanoCPUs.</summary>
    public static long NanoCpus(string s) => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
        ? (long)(v * 1_000_000_000m) : throw new CliError($"invalid argument \"{s}\" for \"--cpus\" flag: failed to parse {s} as a rational number", 125);

    private static JsonNode Ulimit(string s)
    {
        var (name, limits) = Split(s, '=');
        var (soft, hard) = Split(limits, ':');
        var softV = Int(soft, "--ulimit");
        return new JsonObject { ["Name"] = name, ["Soft"] = softV, ["Hard"] = hard.Length > 0 ? Int(hard, "--ulimit") : softV };
    }

    /// <summary>
    /// --device as docker's CLI takes it: HOST[:CONTAINER][:PERMISSIONS], where a second part made only of r, w and m
    /// is the permissions; the container path must be absolute; permissions default to rwm.
    /// </summary>
    private static JsonNode Device(string s)
    {
        var parts = s.Split(':');
        if (parts.Length > 3 || parts[0].Length == 0) throw new CliError($"bad format for path: {s}", 125);
        var (host, target, permissions) = parts switch
        {
            [var h] => (h, h, "rwm"),
            [var h, var mode] when IsDeviceMode(mode) => (h, h, mode),
            [var h, var t] => (h, t, "rwm"),
            [var h, var t, var mode] => IsDeviceMode(mode) ? (h, t, mode) : throw new CliError($"bad mode specified: {mode}", 125),
        };
        if (!target.StartsWith('/')) throw new CliError($"{target} is not an absolute path", 125);
        // docker cleans the path it checked, except in the three-part form; without a container part that is the host path too.
        if (parts.Length < 3)
        {
            target = CleanPath(target);
            if (parts.Length == 1 || IsDeviceMode(parts[1])) host = target;
        }
        return new JsonObject { ["PathOnHost"] = host, ["PathInContainer"] = target, ["CgroupPermissions"] = permissions };
    }

    /// <summary>r, w and m, each at most once.</summary>
    private static bool IsDeviceMode(string mode) => mode.Length > 0 && mode.All(c => c is 'r' or 'w' or 'm') && mode.Distinct().Count() == mode.Length;

    /// <summary>Go's path.Clean for an absolute path: no empty, "." or ".." elements, no trailing slash.</summary>
    private static string CleanPath(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (stack.Count > 0) stack.RemoveAt(stack.Count - 1); continue; }
            stack.Add(part);
        }
        return "/" + string.Join('/', stack);
    }

    /// <summary>--device-cgroup-rule as docker's CLI checks it: "type major:minor access" with a, b or c, numbers or *, and rwm letters.</summary>
    private static string DeviceCgroupRule(string rule) =>
        System.Text.RegularExpressions.Regex.IsMatch(rule, @"^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$")
            ? rule
            : throw new CliError($"invalid argument \"{rule}\" for \"--device-cgroup-rule\" flag: invalid device cgroup format '{rule}'", 125);

    private static JsonNode Mount(string s)
    {
        var m = new JsonObject { ["Type"] = "volume" };
        foreach (var part in s.Split(','))
        {
            var (k, v) = Split(part, '=');
            switch (k)
            {
                case "type": m["Type"] = v; break;
                case "source" or "src": m["Source"] = v; break;
                case "target" or "destination" or "dst": m["Target"] = v; break;
                case "readonly" or "ro": m["ReadOnly"] = v is "" or "true" or "1"; break;
                case "tmpfs-size": m["TmpfsOptions"] = new JsonObject { ["SizeBytes"] = Bytes(v, "--mount") }; break;
                default: throw new CliError($"invalid argument \"{s}\" for \"--mount\" flag: unexpected key '{k}' in '{part}'", 125);
            }
        }
        return m;
    }

    /// <summary>--label-file: one label a line, blank lines and # comments skipped.</summary>
    private static IEnumerable<string> LineFile(string path)
    {
        if (!File.Exists(path)) throw new CliError($"open {path}: no such file or directory", 125);
        return File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    public static IEnumerable<string> EnvFile(string path)
    {
        if (!File.Exists(path)) throw new CliError($"open {path}: no such file or directory", 125);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            yield return line.Contains('=') ? line : Environment.GetEnvironmentVariable(line) is { } v ? $"{line}={v}" : line;
        }
    }
}
