using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Berth.Shell.Cli;
using Berth.Shell.Client;

namespace Berth.Shell.Commands;

/// <summary>version, info and up: what a new user runs first.</summary>
public static class SystemCommands
{
    public static string ClientVersion { get; } = typeof(SystemCommands).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static string Arch => RuntimeInformation.OSArchitecture == Architecture.X64 ? "amd64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    public static async Task<int> Version(GlobalOptions g, string[] args)
    {
        RejectArguments("version", args);
        var sb = new StringBuilder();
        sb.AppendLine("Client:");
        Line(sb, 1, "Version:", ClientVersion);
        Line(sb, 1, "API version:", EngineClient.MaxApiVersion);
        Line(sb, 1, "Go version:", ".NET " + Environment.Version);
        Line(sb, 1, "OS/Arch:", $"linux/{Arch}");
        Line(sb, 1, "Context:", "default");
        Console.Write(sb.ToString());

        using var client = Session.Connect(g);
        var v = await client.GetJsonAsync("/version");
        sb.Clear().AppendLine().AppendLine($"Server: {v.GetProperty("Platform").GetProperty("Name").GetString()}");
        foreach (var c in v.GetProperty("Components").EnumerateArray())
        {
            sb.AppendLine($" {c.GetProperty("Name").GetString()}:");
            Line(sb, 2, "Version:", c.GetProperty("Version").GetString());
            if (c.TryGetProperty("Details", out var d) && d.ValueKind == JsonValueKind.Object)
            {
                if (d.TryGetProperty("ApiVersion", out var api))
                    Line(sb, 2, "API version:", $"{api.GetString()} (minimum version {d.GetProperty("MinAPIVersion").GetString()})");
                if (d.TryGetProperty("GoVersion", out var go)) Line(sb, 2, "Go version:", go.GetString());
                if (d.TryGetProperty("GitCommit", out var git)) Line(sb, 2, "Git commit:", git.GetString());
                if (d.TryGetProperty("BuildTime", out var bt)) Line(sb, 2, "Built:", bt.GetString());
                if (d.TryGetProperty("Os", out var os)) Line(sb, 2, "OS/Arch:", $"{os.GetString()}/{d.GetProperty("Arch").GetString()}");
                if (d.TryGetProperty("Experimental", out var ex)) Line(sb, 2, "Experimental:", ex.GetString());
                if (d.TryGetProperty("Path", out var p)) Line(sb, 2, "Path:", p.GetString());
            }
        }
        Console.Write(sb.ToString());
        return 0;
    }

    public static async Task<int> Info(GlobalOptions g, string[] args)
    {
        RejectArguments("info", args);
        using var client = Session.Connect(g);
        var i = await client.GetJsonAsync("/info");
        string S(string k) => i.TryGetProperty(k, out var e) ? e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.ToString() : "";
        var sb = new StringBuilder();
        sb.AppendLine("Client:").AppendLine($" Version:    {ClientVersion}").AppendLine(" Context:    default").AppendLine($" Debug Mode: {g.Debug.ToString().ToLowerInvariant()}");
        sb.AppendLine().AppendLine("Server:");
        sb.AppendLine($" Containers: {S("Containers")}").AppendLine($"  Running: {S("ContainersRunning")}")
          .AppendLine($"  Paused: {S("ContainersPaused")}").AppendLine($"  Stopped: {S("ContainersStopped")}");
        sb.AppendLine($" Images: {S("Images")}").AppendLine($" Server Version: {S("ServerVersion")}").AppendLine($" Storage Driver: {S("Driver")}");
        foreach (var pair in i.GetProperty("DriverStatus").EnumerateArray())
            sb.AppendLine($"  {pair[0].GetString()}: {pair[1].GetString()}");
        sb.AppendLine($" Logging Driver: {S("LoggingDriver")}").AppendLine($" Cgroup Driver: {S("CgroupDriver")}").AppendLine($" Cgroup Version: {S("CgroupVersion")}");
        sb.AppendLine(" Plugins:");
        foreach (var kind in new[] { "Volume", "Network", "Log" })
            sb.AppendLine($"  {kind}: {string.Join(' ', i.GetProperty("Plugins").GetProperty(kind).EnumerateArray().Select(x => x.GetString()))}");
        sb.AppendLine($" Swarm: {i.GetProperty("Swarm").GetProperty("LocalNodeState").GetString()}");
        sb.AppendLine($" Runtimes: {string.Join(' ', i.GetProperty("Runtimes").EnumerateObject().Select(r => r.Name))}");
        sb.AppendLine($" Default Runtime: {S("DefaultRuntime")}");
        sb.AppendLine(" Security Options:");
        foreach (var opt in i.GetProperty("SecurityOptions").EnumerateArray())
        {
            var parts = opt.GetString()!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            sb.AppendLine($"  {parts.GetValueOrDefault("name")}");
            foreach (var (k, val) in parts.Where(p => p.Key != "name")) sb.AppendLine($"   {char.ToUpperInvariant(k[0]) + k[1..]}: {val}");
        }
        sb.AppendLine($" Kernel Version: {S("KernelVersion")}").AppendLine($" Operating System: {S("OperatingSystem")}")
          .AppendLine($" OSType: {S("OSType")}").AppendLine($" Architecture: {S("Architecture")}").AppendLine($" CPUs: {S("NCPU")}")
          .AppendLine($" Total Memory: {BinarySize(i.GetProperty("MemTotal").GetInt64())}").AppendLine($" Name: {S("Name")}")
          .AppendLine($" ID: {S("ID")}").AppendLine($" Docker Root Dir: {S("DockerRootDir")}").AppendLine($" Debug Mode: {S("Debug").ToLowerInvariant()}")
          .AppendLine($" Experimental: {S("ExperimentalBuild").ToLowerInvariant()}").AppendLine($" Live Restore Enabled: {S("LiveRestoreEnabled").ToLowerInvariant()}");
        Console.Write(sb.ToString());
        if (i.TryGetProperty("Warnings", out var w) && w.ValueKind == JsonValueKind.Array)
            foreach (var warning in w.EnumerateArray()) Console.Error.WriteLine(warning.GetString());
        return 0;
    }

    /// <summary>Starts berthd (when nothing answers on the socket), waits for it, and says how to use it.</summary>
    public static async Task<int> Up(GlobalOptions g, string[] args)
    {
        // up passes --data-root/--exec-root through to berthd, so a second platform can live beside the default one.
        string dataRoot = "/var/lib/berth", execRoot = "/run/berth";
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].Contains('=') ? (args[i][..args[i].IndexOf('=')], args[i][(args[i].IndexOf('=') + 1)..]) : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new CliError($"flag needs an argument: {name}", 1));
            switch (name)
            {
                case "--data-root": dataRoot = Value(); break;
                case "--exec-root": execRoot = Value(); break;
                default: throw new CliError($"unknown flag: {name}\nSee 'berth up --help'.", 1);
            }
        }
        using var client = Session.Connect(g);
        var host = client.Host.Address;
        if (!await Answers(client))
        {
            if (!host.StartsWith("unix://"))
                throw new CliError($"nothing answers at {host}, and berth up starts a daemon only on a unix socket", 1);
            var berthd = Path.Combine(AppContext.BaseDirectory, "berthd");
            if (!File.Exists(berthd)) throw new CliError($"{berthd} is missing: run ./build.sh", 1);
            Directory.CreateDirectory(dataRoot);
            var log = Path.Combine(dataRoot, "berthd.log");
            // setsid detaches berthd from this terminal so it outlives `berth up`.
            var psi = new ProcessStartInfo("/bin/sh")
            {
                ArgumentList =
                {
                    "-c", "exec setsid \"$0\" -H \"$1\" --data-root \"$3\" --exec-root \"$4\" --pidfile \"$4/berthd.pid\" </dev/null >>\"$2\" 2>&1 &",
                    berthd, host, log, dataRoot, execRoot,
                },
                UseShellExecute = false,
            };
            using (var sh = Process.Start(psi)!) await sh.WaitForExitAsync();
            Console.Error.Write("Starting berthd ");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await Answers(client))
            {
                if (DateTime.UtcNow > deadline)
                    throw new CliError($"berthd did not answer at {host} within 60 s; see {log}", 1);
                Console.Error.Write('.');
                await Task.Delay(200);
            }
            Console.Error.WriteLine(" up");
        }
        if (await FirstImage.Ensure(client) is { } id)
            Console.WriteLine($"Imported {FirstImage.Reference} ({id}) from the host's busybox-static");
        Console.WriteLine($"berthd is listening on {host}");
        Console.WriteLine($"Point the docker CLI at it with:  export DOCKER_HOST={host}");
        // The proof that it works end to end: a first container (create, attach, start, wait, auto-remove).
        Console.WriteLine($"Running a first container: berth run --rm {FirstImage.Reference} echo \"{FirstContainerGreeting}\"");
        await Console.Out.FlushAsync();
        var code = await ContainerCommands.Run(g, ["--rm", FirstImage.Reference, "echo", FirstContainerGreeting]);
        if (code != 0) throw new CliError($"berth up: the first container exited with {code}", code);
        return 0;
    }

    /// <summary>What the first container `berth up` runs prints.</summary>
    public const string FirstContainerGreeting = "Hello from your first berth container";

    private static async Task<bool> Answers(EngineClient client)
    {
        try { await client.PingAsync(); return true; }
        catch (DaemonUnreachableError) { return false; }
    }

    private static void RejectArguments(string verb, string[] args)
    {
        if (args.Length > 0)
            throw new CliError($"\"berth {verb}\" accepts no arguments.\nSee 'berth {verb} --help'.", 1);
    }

    private static void Line(StringBuilder sb, int indent, string label, string? value) =>
        sb.Append(new string(' ', indent)).Append(label.PadRight(20 - indent)).AppendLine(value);

    /// <summary>docker's BytesSize: binary units with two decimals ("23.54GiB").</summary>
    public static string BinarySize(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1) { bytes /= 1024; i++; }
        return $"{Math.Round(bytes, 2).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}{units[i]}";
    }
}
