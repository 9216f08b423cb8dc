using Berth.Actors;
using Berth.Host.Configuration;
using Berth.Host.Facts;

namespace Berth.Host.Api;

/// <summary>A subsystem's share of GET /info (counts, driver status); registered by each subsystem.</summary>
public interface IInfoContributor
{
    Task Contribute(IDictionary<string, object?> info, CancellationToken ct);
}

/// <summary>_ping, /version and /info: the endpoints every client calls first.</summary>
public static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext ctx) =>
        {
            var h = ctx.Response.Headers;
            h.CacheControl = "no-cache, no-store, must-revalidate";
            h.Pragma = "no-cache";
            h["Builder-Version"] = "1";
            h["Swarm"] = "inactive";
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            if (HttpMethods.IsHead(ctx.Request.Method)) { ctx.Response.ContentLength = 0; return Task.CompletedTask; }
            ctx.Response.ContentLength = 2;
            return ctx.Response.WriteAsync("OK");
        });

        api.MapGet("/version", (HostFacts facts, RuntimeCatalog runtimes) => new JsonReply(Version(facts, runtimes)));

        api.MapGet("/info", async (HostFacts facts, DaemonOptions options, RuntimeCatalog runtimes, DaemonIdentity id,
            IEnumerable<IInfoContributor> contributors, CancellationToken ct) =>
        {
            var info = Info(facts, options, runtimes, id);
            foreach (var c in contributors) await c.Contribute(info, ct);
            return new JsonReply(info);
        });
    }

    public static object Version(HostFacts facts, RuntimeCatalog runtimes)
    {
        var details = new Dictionary<string, string>
        {
            ["ApiVersion"] = ApiVersion.Max, ["Arch"] = facts.GoArch, ["BuildTime"] = BuildTime, ["Experimental"] = "false",
            ["GitCommit"] = BerthVersion.GitCommit, ["GoVersion"] = DotnetVersion, ["KernelVersion"] = facts.KernelVersion,
            ["MinAPIVersion"] = ApiVersion.Min, ["Os"] = "linux",
        };
        var components = new List<object> { new { Name = "Engine", Version = BerthVersion.Version, Details = details } };
        foreach (var (name, path) in runtimes.All.OrderBy(r => r.Key))
            components.Add(new { Name = name, Version = name == "berth-runtime" ? BerthVersion.Version : "", Details = new { Path = path } });
        return new
        {
            Platform = new { Name = "berth" },
            Components = components,
            Version = BerthVersion.Version,
            ApiVersion = ApiVersion.Max,
            MinAPIVersion = ApiVersion.Min,
            GitCommit = BerthVersion.GitCommit,
            GoVersion = DotnetVersion,
            Os = "linux",
            Arch = facts.GoArch,
            KernelVersion = facts.KernelVersion,
            BuildTime,
        };
    }

    private static string DotnetVersion => ".NET " + Environment.Version;

    private static string BuildTime { get; } =
        File.GetLastWriteTimeUtc(typeof(SystemEndpoints).Assembly.Location).ToString("yyyy-MM-ddTHH:mm:ss.fffffff00+00:00");

    public static Dictionary<string, object?> Info(HostFacts facts, DaemonOptions options, RuntimeCatalog runtimes, DaemonIdentity id)
    {
        var cgroupV1 = facts.CgroupVersion == "1";
        return new Dictionary<string, object?>
        {
            ["ID"] = id.Id,
            ["Containers"] = 0, ["ContainersRunning"] = 0, ["ContainersPaused"] = 0, ["ContainersStopped"] = 0,
            ["Images"] = 0,
            ["Driver"] = "overlayfs",
            ["DriverStatus"] = new[] { new[] { "Backing Filesystem", BackingFilesystem(options.DataRoot) }, ["Supports d_type", "true"] },
            ["Plugins"] = new
            {
                Volume = new[] { "local" }, Network = new[] { "host", "null" }, Authorization = (string[]?)null,
                Log = new[] { "json-file" },
            },
            ["MemoryLimit"] = true, ["SwapLimit"] = File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes") || !cgroupV1,
            ["KernelMemory"] = false, ["KernelMemoryTCP"] = false,
            ["CpuCfsPeriod"] = true, ["CpuCfsQuota"] = true, ["CPUShares"] = true, ["CPUSet"] = true, ["PidsLimit"] = true,
            ["IPv4Forwarding"] = File.Exists("/proc/sys/net/ipv4/ip_forward") && File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() == "1",
            ["BridgeNfIptables"] = false, ["BridgeNfIp6tables"] = false,
            ["Debug"] = options.Debug,
            ["NFd"] = Directory.GetFiles("/proc/self/fd").Length,
            ["OomKillDisable"] = cgroupV1,
            ["NGoroutines"] = System.Diagnostics.Process.GetCurrentProcess().Threads.Count,
            ["SystemTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
            ["LoggingDriver"] = "json-file",
            ["CgroupDriver"] = "cgroupfs",
            ["CgroupVersion"] = facts.CgroupVersion,
            ["NEventsListener"] = 0,
            ["KernelVersion"] = facts.KernelVersion,
            ["OperatingSystem"] = facts.OperatingSystem,
            ["OSVersion"] = facts.OsVersion,
            ["OSType"] = "linux",
            ["Architecture"] = facts.Architecture,
            ["IndexServerAddress"] = "https://index.docker.io/v1/",
            ["RegistryConfig"] = new
            {
                AllowNondistributableArtifactsCIDRs = Array.Empty<string>(),
                AllowNondistributableArtifactsHostnames = Array.Empty<string>(),
                InsecureRegistryCIDRs = new[] { "127.0.0.0/8" }.Concat(options.InsecureRegistries.Where(r => r.Contains('/'))).ToArray(),
                IndexConfigs = new Dictionary<string, object>
                {
                    ["docker.io"] = new { Name = "docker.io", Mirrors = options.RegistryMirrors, Secure = true, Official = true },
                },
                Mirrors = options.RegistryMirrors,
            },
            ["NCPU"] = facts.Cpus,
            ["MemTotal"] = facts.MemoryBytes,
            ["GenericResources"] = null,
            ["DockerRootDir"] = options.DataRoot,
            ["HttpProxy"] = Environment.GetEnvironmentVariable("HTTP_PROXY") ?? "",
            ["HttpsProxy"] = Environment.GetEnvironmentVariable("HTTPS_PROXY") ?? "",
            ["NoProxy"] = Environment.GetEnvironmentVariable("NO_PROXY") ?? "",
            ["Name"] = facts.Hostname,
            ["Labels"] = options.Labels,
            ["ExperimentalBuild"] = false,
            ["ServerVersion"] = BerthVersion.Version,
            ["Runtimes"] = runtimes.All.ToDictionary(r => r.Key, r => new { path = r.Value }),
            ["DefaultRuntime"] = runtimes.Default,
            ["Swarm"] = new { NodeID = "", NodeAddr = "", LocalNodeState = "inactive", ControlAvailable = false, Error = "", RemoteManagers = (object?)null },
            ["LiveRestoreEnabled"] = options.LiveRestore,
            ["Isolation"] = "",
            ["InitBinary"] = "",
            ["ContainerdCommit"] = new { ID = "", Expected = "" },
            ["RuncCommit"] = new { ID = "", Expected = "" },
            ["InitCommit"] = new { ID = "", Expected = "" },
            ["SecurityOptions"] = new[] { "name=seccomp,profile=builtin" },
            ["Warnings"] = Warnings(options),
        };
    }

    private static string[]? Warnings(DaemonOptions options)
    {
        var w = new List<string>();
        foreach (var h in options.Hosts.Select(ListenAddress.Parse).Where(a => a.Tcp != null && !options.Tls.Verify))
            w.Add($"WARNING: API is accessible on {h.Original} without encryption.");
        return w.Count == 0 ? null : w.ToArray();
    }

    private static string BackingFilesystem(string dataRoot)
    {
        // Longest mount point that contains the data root tells its filesystem type.
        var best = ("", "unknown");
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length > 2 && (dataRoot + "/").StartsWith(f[1].TrimEnd('/') + "/") && f[1].Length >= best.Item1.Length)
                best = (f[1], f[2]);
        }
        return best.Item2 == "ext4" ? "extfs" : best.Item2;
    }
}
