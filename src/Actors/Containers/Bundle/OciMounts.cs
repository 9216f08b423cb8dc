using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>The mount list: docker's defaults, then /etc files, binds, tmpfs and the init, sorted parents first like docker.</summary>
public static class OciMounts
{
    public const long DefaultShmSize = 64L * 1024 * 1024;
    public const string InitTarget = "/sbin/docker-init";

    public static List<Mount> Build(ContainerSpec spec, string containerDir, string? initBinary)
    {
        var shm = spec.Resources.ShmSize > 0 ? spec.Resources.ShmSize : DefaultShmSize;
        var user = UserMounts(spec.Mounts);
        var taken = user.Select(m => m.Destination).ToHashSet();
        var defaults = new List<Mount>
        {
            new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
            new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
            new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
            new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", $"size={shm / 1024}k"] },
        };
        // docker always binds its own /etc/resolv.conf, /etc/hostname and /etc/hosts unless the user mounts one there.
        var etc = new List<Mount>();
        foreach (var (target, file) in new[] { ("/etc/resolv.conf", EtcFiles.ResolvConf(containerDir)),
                     ("/etc/hostname", EtcFiles.Hostname(containerDir)), ("/etc/hosts", EtcFiles.Hosts(containerDir)) })
            etc.Add(new Mount { Destination = target, Type = "bind", Source = file, Options = ["rbind", "rprivate", .. spec.Security.ReadonlyRootfs ? new[] { "ro" } : []] });
        var all = defaults.Where(m => !taken.Contains(m.Destination)).Concat(etc.Where(m => !taken.Contains(m.Destination))).Concat(user).ToList();
        if (initBinary != null) all.Add(new Mount { Destination = InitTarget, Type = "bind", Source = initBinary, Options = ["bind", "ro"] });
        // Parents before children (docker sorts by depth), stable within a depth so the defaults keep their order.
        return all.Select((m, i) => (m, i)).OrderBy(x => Depth(x.m.Destination!)).ThenBy(x => x.i).Select(x => x.m).ToList();
    }

    private static int Depth(string path) => BindMount.Clean(path).Count(c => c == '/') - (path == "/" ? 1 : 0);

    /// <summary>Binds, Mounts (bind and tmpfs) and Tmpfs, as docker turns them into OCI mounts.</summary>
    public static List<Mount> UserMounts(ContainerMounts h)
    {
        var mounts = new List<Mount>();
        foreach (var b in (h.Binds ?? []).Select(BindMount.Parse)) mounts.Add(Bind(b));
        foreach (var m in h.Mounts ?? [])
        {
            if (m.Kind == MountKind.Bind)
            {
                var b = new BindMount(m.Source, BindMount.Clean(m.Target), m.ReadOnly, m.Bind?.Propagation ?? "", "",
                    Recursive: !(m.Bind?.NonRecursive ?? false));
                mounts.Add(Bind(b));
            }
            else if (m.Kind == MountKind.Tmpfs)
            {
                var opts = new List<string> { "nosuid", "nodev", "noexec" };
                if (m.Tmpfs is { SizeBytes: > 0 } s) opts.Add($"size={s.SizeBytes}");
                if (m.Tmpfs is { Mode: > 0 } md) opts.Add("mode=" + Convert.ToString(md.Mode, 8));
                if (m.ReadOnly) opts.Add("ro");
                mounts.Add(new Mount { Destination = BindMount.Clean(m.Target), Type = "tmpfs", Source = "tmpfs", Options = opts });
            }
        }
        foreach (var (path, options) in h.Tmpfs ?? new Dictionary<string, string>())
            mounts.Add(new Mount { Destination = BindMount.Clean(path), Type = "tmpfs", Source = "tmpfs", Options = TmpfsOptions(options) });
        return mounts;
    }

    private static Mount Bind(BindMount b)
    {
        var opts = new List<string> { b.Recursive ? "rbind" : "bind", b.Propagation is { Length: > 0 } p ? p : "rprivate" };
        if (b.ReadOnly) opts.Add("ro");
        return new Mount { Destination = b.Target, Type = "bind", Source = b.Source, Options = opts };
    }

    /// <summary>--tmpfs options ("size=64m,mode=1777,exec"): docker's defaults noexec,nosuid,nodev, overridden by the user's.</summary>
    public static List<string> TmpfsOptions(string options)
    {
        var given = options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var o in given)
        {
            var key = o.Split('=', 2)[0];
            if (key is not ("size" or "mode" or "nr_inodes" or "nr_blocks" or "uid" or "gid" or "ro" or "rw" or "exec" or "noexec" or "suid"
                or "nosuid" or "dev" or "nodev" or "atime" or "noatime" or "relatime" or "strictatime" or "nodiratime" or "tmpcopyup" or "notmpcopyup"))
                throw new HostConfigException($"invalid tmpfs option: \"{o}\"");
        }
        var result = new List<string>();
        foreach (var (on, off) in new[] { ("exec", "noexec"), ("suid", "nosuid"), ("dev", "nodev") })
            result.Add(given.Contains(on) ? on : off);
        result.AddRange(given.Where(o => o is not ("exec" or "noexec" or "suid" or "nosuid" or "dev" or "nodev" or "tmpcopyup" or "notmpcopyup")));
        return result;
    }
}
