using System.Text.Json;
using Berth.Runtime;
using Berth.Runtime.Cgroups;
using Berth.Runtime.Cli;
using Berth.Runtime.Containers;
using Berth.Runtime.Mounts;
using Berth.Runtime.Native;
using Berth.Runtime.Oci;
using Berth.Runtime.Seccomp;

// berth-runtime: runc's command-line contract over Berth.Runtime's container lifecycle.
CommandLine cl;
try { cl = CommandLine.Parse(args); }
catch (UsageException e)
{
    Console.Error.WriteLine("berth-runtime: " + e.Message);
    return 2;
}
RuntimeTrace.Mark("main");
var log = new Logger(cl.Globals.GetValueOrDefault("--log"), cl.Globals.GetValueOrDefault("--log-format") == "json",
    cl.Globals.ContainsKey("--debug"));
if (cl.Globals.ContainsKey("--version") || cl.Command == "version")
{
    Console.WriteLine($"berth-runtime version {RuntimeInfo.Version}\nspec: {RuntimeInfo.OciVersion}");
    return 0;
}
if (cl.Command == null || cl.Globals.ContainsKey("--help") || cl.Command == "help")
{
    Console.WriteLine(Commands.Usage);
    return cl.Command == null && !cl.Globals.ContainsKey("--help") ? 2 : 0;
}
var runtime = new ContainerRuntime(new ContainerStore(cl.Globals.GetValueOrDefault("--root") ?? "/run/berth-runtime"), log.Debug);
try
{
    return Commands.Run(cl, runtime, log);
}
catch (Exception e) when (e is RuntimeError or ConfigException or UsageException or SyscallException or IOException or UnauthorizedAccessException)
{
    log.Error(e.Message);
    return 1;
}
catch (Exception e)
{
    // Anything unforeseen still ends as one error line, never a stack trace on the caller's terminal.
    log.Error($"{e.GetType().Name}: {e.Message}");
    return 1;
}

/// <summary>One method per runc command.</summary>
internal static class Commands
{
    public const string Usage = """
        usage: berth-runtime [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [OPTIONS] [ID]

        commands: create, start, run, state, kill, delete, exec, ps, pause, resume, list, spec, features, version
        """;

    public static int Run(CommandLine cl, ContainerRuntime rt, Logger log)
    {
        switch (cl.Command)
        {
            case "create":
                rt.Create(cl.Id, Bundle(cl), CreateOptions(cl));
                return 0;
            case "start":
                rt.Start(cl.Id);
                return 0;
            case "run":
                return rt.Run(cl.Id, Bundle(cl), CreateOptions(cl), cl.Switch("--detach", "-d"));
            case "state":
                Console.WriteLine(OciJson.Serialize(rt.State(cl.Id), indented: true));
                return 0;
            case "kill":
                rt.Kill(cl.Id, Signals.Parse(cl.Positionals.Count > 1 ? cl.Positionals[1] : "SIGTERM"), cl.Switch("--all", "-a"));
                return 0;
            case "delete":
                Delete(cl, rt);
                return 0;
            case "exec":
                return Exec(cl, rt);
            case "ps":
                Ps(cl, rt);
                return 0;
            case "pause":
                rt.Pause(cl.Id);
                return 0;
            case "resume":
                rt.Resume(cl.Id);
                return 0;
            case "list":
                List(cl, rt);
                return 0;
            case "spec":
                Spec(cl);
                return 0;
            case "features":
                Console.WriteLine(JsonSerializer.Serialize(Features(), OciJson.Pretty.Features));
                return 0;
            default:
                throw new UsageException($"unknown command \"{cl.Command}\"");
        }
    }

    private static string Bundle(CommandLine cl) => cl.Flag("--bundle", "-b") ?? Directory.GetCurrentDirectory();

    private static CreateOptions CreateOptions(CommandLine cl) =>
        new(cl.Flag("--console-socket"), cl.Flag("--pid-file"), cl.IntFlag("--preserve-fds", 0) + ListenFds());

    // systemd socket activation: LISTEN_FDS fds follow stdio and are passed on, as runc does.
    private static int ListenFds() =>
        int.TryParse(Environment.GetEnvironmentVariable("LISTEN_FDS"), out var n) && n > 0 ? n : 0;

    private static void Delete(CommandLine cl, ContainerRuntime rt)
    {
        var force = cl.Switch("--force", "-f");
        foreach (var id in cl.Positionals.Count > 0 ? cl.Positionals : throw new UsageException("\"delete\" requires a container id"))
            rt.Delete(id, force);
    }

    private static int Exec(CommandLine cl, ContainerRuntime rt)
    {
        var id = cl.Id;
        Process process;
        if (cl.Flag("--process", "-p") is { } file)
        {
            var spec = OciJson.ParseSpec("{\"process\":" + File.ReadAllText(file) + "}");
            process = spec.Process ?? throw new ConfigException("process", $"{file} holds no process object");
        }
        else
        {
            if (cl.Positionals.Count < 2) throw new UsageException("exec needs a command or --process");
            var baseProcess = rt.Store.Load(id).Spec.Process!;
            process = new Process
            {
                Args = cl.Positionals.Skip(1).ToList(),
                Env = (baseProcess.Env ?? []).Concat(cl.FlagAll("--env", "-e")).ToList(),
                Cwd = cl.Flag("--cwd") ?? baseProcess.Cwd,
                User = UserFlag(cl.Flag("--user", "-u"), baseProcess.User),
                Capabilities = baseProcess.Capabilities,
                NoNewPrivileges = baseProcess.NoNewPrivileges || cl.Switch("--no-new-privs"),
                Rlimits = baseProcess.Rlimits,
                Terminal = cl.Switch("--tty", "-t"),
            };
            foreach (var cap in cl.FlagAll("--cap", "-c"))
                foreach (var set in new[] { process.Capabilities ??= new Capabilities() }.SelectMany(c => new[] { c.Bounding ??= [], c.Effective ??= [], c.Permitted ??= [] }))
                    set.Add(cap);
        }
        return rt.Exec(id, process, new ExecOptions(cl.Flag("--console-socket"), cl.Flag("--pid-file"),
            cl.IntFlag("--preserve-fds", 0), cl.Switch("--detach", "-d")));
    }

    private static User UserFlag(string? value, User fallback)
    {
        if (value == null) return fallback;
        var parts = value.Split(':');
        if (!uint.TryParse(parts[0], out var uid) || parts.Length > 1 && !uint.TryParse(parts[1], out _))
            throw new UsageException($"--user \"{value}\" must be uid[:gid]");
        return new User { Uid = uid, Gid = parts.Length > 1 ? uint.Parse(parts[1]) : 0 };
    }

    private static void Ps(CommandLine cl, ContainerRuntime rt)
    {
        var pids = rt.Processes(cl.Id);
        if (cl.Flag("--format", "-f") == "json")
        {
            Console.WriteLine("[" + string.Join(",", pids) + "]");
            return;
        }
        Console.WriteLine("PID\tCMD");
        foreach (var pid in pids)
        {
            string cmd;
            try { cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
            catch (IOException) { cmd = "?"; }
            Console.WriteLine($"{pid}\t{cmd}");
        }
    }

    private static void List(CommandLine cl, ContainerRuntime rt)
    {
        var states = rt.List().ToList();
        if (cl.Switch("--quiet", "-q")) { foreach (var s in states) Console.WriteLine(s.Id); return; }
        if (cl.Flag("--format", "-f") == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(states, OciJsonContext.Default.ListState));
            return;
        }
        Console.WriteLine("ID\tPID\tSTATUS\tBUNDLE");
        foreach (var s in states) Console.WriteLine($"{s.Id}\t{s.Pid}\t{s.Status}\t{s.Bundle}");
    }

    private static void Spec(CommandLine cl)
    {
        var bundle = cl.Flag("--bundle", "-b") ?? Directory.GetCurrentDirectory();
        var path = Path.Combine(bundle, "config.json");
        if (File.Exists(path)) throw new RuntimeError($"{path} already exists");
        File.WriteAllText(path, JsonSerializer.Serialize(DefaultSpec.Create(cl.Switch("--rootless")), OciJson.Pretty.Spec) + "\n");
    }

    private static Features Features() => new()
    {
        Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
        MountOptions = MountOptions.Known.Order().ToList(),
        Linux = new LinuxFeatures
        {
            Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"],
            Capabilities = CapabilityNames.All.Take(CapabilityNames.LastCap() + 1).ToList(),
            Cgroup = new CgroupFeatures { V1 = true, V2 = true },
            Seccomp = new SeccompFeatures
            {
                Enabled = true,
                Actions = SeccompProfile.Actions.Keys.ToList(),
                Operators = SeccompProfile.Operators.Keys.ToList(),
                Archs = SeccompProfile.Architectures.Keys.ToList(),
                KnownFlags = SeccompProfile.Flags.Keys.ToList(),
                SupportedFlags = SeccompProfile.Flags.Keys.ToList(),
            },
        },
        Annotations = new() { ["io.github.berth.runtime.version"] = RuntimeInfo.Version },
    };
}
