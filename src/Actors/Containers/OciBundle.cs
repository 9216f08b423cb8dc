using System.Text.Json;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers;

/// <summary>Writes a container's config.json the way dockerd's default spec looks, from its definition.</summary>
public static class OciBundle
{
    /// <summary>docker's default capability set.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Spec Build(ContainerDefinition def, string rootfs)
    {
        var c = def.Config;
        var env = new List<string>(c.Env ?? []);
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal))) env.Insert(0, DefaultPath);
        env.Insert(1 <= env.Count ? 1 : 0, "HOSTNAME=" + Hostname(def));
        if (c.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal))) env.Add("TERM=xterm");
        var caps = DefaultCapabilities.ToList();
        var namespaces = new List<Namespace> { new() { Type = "pid" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" } };
        if (def.HostConfig.NetworkMode != "host") namespaces.Add(new Namespace { Type = "network" });
        return new Spec
        {
            OciVersion = "1.0.2-dev",
            Process = new Process
            {
                Terminal = c.Tty,
                User = ParseUser(c.User),
                Args = [.. def.Argv],
                Env = env,
                Cwd = c.WorkingDir is { Length: > 0 } w ? w : "/",
                Capabilities = new Capabilities { Bounding = [.. caps], Effective = [.. caps], Permitted = [.. caps] },
                NoNewPrivileges = false,
                OomScoreAdj = 0,
            },
            Root = new Root { Path = rootfs, Readonly = false },
            Hostname = Hostname(def),
            Mounts =
            [
                new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
                new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
                new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
                new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
                new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
                new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
            ],
            Linux = new Linux
            {
                Namespaces = namespaces,
                CgroupsPath = ContainerPaths.CgroupOf(def.Id),
                MaskedPaths = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
                ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            },
        };
    }

    public static void Write(ContainerDefinition def, ContainerPaths paths, string rootfs)
    {
        Directory.CreateDirectory(paths.Dir);
        var json = JsonSerializer.Serialize(Build(def, rootfs), OciJson.Pretty.Spec);
        var tmp = paths.ConfigJson + ".tmp";
        File.WriteAllText(tmp, json);
        File.Move(tmp, paths.ConfigJson, overwrite: true);
    }

    public static string Hostname(ContainerDefinition def) => def.Config.Hostname is { Length: > 0 } h ? h : def.ShortId;

    /// <summary>"uid" or "uid:gid"; names need the container's /etc/passwd, which this berthd does not read yet.</summary>
    private static User ParseUser(string user)
    {
        if (string.IsNullOrEmpty(user) || user == "root") return new User();
        var parts = user.Split(':', 2);
        if (uint.TryParse(parts[0], out var uid) && (parts.Length == 1 || uint.TryParse(parts[1], out _)))
            return new User { Uid = uid, Gid = parts.Length == 2 ? uint.Parse(parts[1]) : uid };
        throw new ArgumentException($"unable to find user {user}: only numeric uid[:gid] users are supported by this berthd");
    }
}
