using System.Net;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>
/// docker's checks of a container's host settings at create, with its messages (daemon/daemon_unix.go verifyPlatformContainerResources,
/// volume/mounts validation, oci/caps), and its adjustments (MemorySwap defaults to twice Memory).
/// </summary>
public static class HostConfigValidator
{
    private const long MinMemory = 6 * 1024 * 1024;

    /// <summary>Returns the spec as docker stores it, or throws <see cref="HostConfigException"/>.</summary>
    public static ContainerSpec Validate(ContainerSpec spec)
    {
        Mounts(spec.Mounts);
        Resources(spec.Resources);
        Security(spec.Security, spec.Network.Mode);
        Names(spec.Network);
        Ports(spec.Network);
        LogDriver.Validate(spec.Logging);
        var r = spec.Resources;
        return r.Memory > 0 && r.MemorySwap == 0 ? spec with { Resources = r with { MemorySwap = r.Memory * 2 } } : spec;
    }

    private static void Mounts(ContainerMounts h)
    {
        var targets = new HashSet<string>();
        void Claim(string target)
        {
            if (!targets.Add(BindMount.Clean(target))) throw new HostConfigException($"Duplicate mount point: {target}");
        }
        foreach (var b in h.Binds ?? []) Claim(BindMount.Parse(b).Target);
        foreach (var m in h.Mounts ?? [])
        {
            var type = m.Kind.ToString().ToLowerInvariant();
            var kind = $"invalid mount config for type \"{type}\"";
            if (m.Target.Length == 0) throw new HostConfigException($"{kind}: field Target must not be empty");
            if (!m.Target.StartsWith('/')) throw new HostConfigException($"{kind}: invalid mount path: '{m.Target}' mount path must be absolute");
            switch (m.Kind)
            {
                case MountKind.Bind:
                    if (m.Source.Length == 0) throw new HostConfigException($"{kind}: field Source must not be empty");
                    if (!m.Source.StartsWith('/')) throw new HostConfigException($"{kind}: invalid mount path: '{m.Source}' mount path must be absolute");
                    if (!File.Exists(m.Source) && !Directory.Exists(m.Source))
                        throw new HostConfigException($"{kind}: bind source path does not exist: {m.Source}");
                    if (m.Tmpfs != null) throw new HostConfigException($"{kind}: field TmpfsOptions must not be specified");
                    break;
                case MountKind.Tmpfs:
                    if (m.Source.Length > 0) throw new HostConfigException($"{kind}: field Source must not be specified");
                    if (m.Bind != null) throw new HostConfigException($"{kind}: field BindOptions must not be specified");
                    if (m.Tmpfs is { SizeBytes: < 0 }) throw new HostConfigException($"{kind}: invalid tmpfs size: {m.Tmpfs.SizeBytes}");
                    break;
                default:
                    throw new HostConfigException($"{kind}: named volumes are not supported by this berthd yet; use type=bind or type=tmpfs");
            }
            Claim(m.Target);
        }
        foreach (var (path, options) in h.Tmpfs ?? new Dictionary<string, string>())
        {
            if (!path.StartsWith('/')) throw new HostConfigException($"invalid mount path: '{path}' mount path must be absolute");
            Claim(path);
            OciMounts.TmpfsOptions(options);
        }
    }

    private static void Resources(ContainerResources h)
    {
        if (h.Memory != 0 && h.Memory < MinMemory) throw new HostConfigException("Minimum memory limit allowed is 6MB");
        if (h.Memory > 0 && h.MemorySwap > 0 && h.MemorySwap < h.Memory)
            throw new HostConfigException("Minimum memoryswap limit should be larger than memory limit, see usage");
        if (h.Memory == 0 && h.MemorySwap > 0) throw new HostConfigException("You should always set the Memory limit when using Memoryswap limit, see usage");
        if (h.MemoryReservation != 0 && h.MemoryReservation < MinMemory) throw new HostConfigException("Minimum memory reservation allowed is 6MB");
        if (h.Memory > 0 && h.MemoryReservation > 0 && h.Memory < h.MemoryReservation)
            throw new HostConfigException("Minimum memory limit can not be less than memory reservation limit, see usage");
        if (h.NanoCpus > 0 && h.CpuPeriod > 0) throw new HostConfigException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (h.NanoCpus > 0 && h.CpuQuota > 0) throw new HostConfigException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        var cpus = Environment.ProcessorCount;
        if (h.NanoCpus < 0 || h.NanoCpus > cpus * 1_000_000_000L)
            throw new HostConfigException($"Range of CPUs is from 0.01 to {cpus}.00, as there are only {cpus} CPUs available");
        if (h.CpuShares < 0) throw new HostConfigException($"invalid CPU shares ({h.CpuShares}): value must be a positive integer");
        if (h.CpuPeriod != 0 && h.CpuPeriod is < 1000 or > 1_000_000)
            throw new HostConfigException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        if (h.CpuQuota > 0 && h.CpuQuota < 1000) throw new HostConfigException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        Cpuset(h.CpusetCpus, "cpus", "/sys/devices/system/cpu/online");
        Cpuset(h.CpusetMems, "mems", "/sys/devices/system/node/online");
        if (h.ShmSize < 0) throw new HostConfigException("SHM size can not be less than 0");
        if (h.OomScoreAdj is < -1000 or > 1000) throw new HostConfigException($"Invalid value {h.OomScoreAdj}, range for oom score adj is [-1000, 1000]");
        foreach (var u in h.Ulimits ?? [])
        {
            if (RlimitNames.Resource("RLIMIT_" + u.Name.ToUpperInvariant()) < 0) throw new HostConfigException($"invalid ulimit type: {u.Name}");
            if (u.Soft > u.Hard) throw new HostConfigException($"ulimit soft limit must be less than or equal to hard limit: {u.Soft} > {u.Hard}");
        }
    }

    /// <summary>"0-2,4": every listed cpu (or memory node) must be online.</summary>
    private static void Cpuset(string value, string kind, string onlineFile)
    {
        if (value.Length == 0) return;
        var requested = CpuList.Parse(value) ?? throw new HostConfigException($"Invalid value {value} for cpuset {kind}");
        var online = File.Exists(onlineFile) ? File.ReadAllText(onlineFile).Trim() : "0";
        var available = CpuList.Parse(online) ?? [];
        if (!requested.IsSubsetOf(available))
            throw new HostConfigException($"Requested {(kind == "cpus" ? "CPUs" : "memory nodes")} are not available - requested {value}, available: {online}");
    }

    private static void Security(ContainerSecurity h, string networkMode)
    {
        OciSecurity.Capabilities(h);
        foreach (var opt in h.Options ?? []) SecurityOptions.Parse(opt);
        foreach (var (key, _) in h.Sysctls ?? new Dictionary<string, string>()) Sysctl(key, networkMode);
    }

    /// <summary>Only sysctls the container's own namespaces isolate (runc's rule); net.* needs a network namespace of its own.</summary>
    private static void Sysctl(string key, string networkMode)
    {
        var ipc = key is "kernel.msgmax" or "kernel.msgmnb" or "kernel.msgmni" or "kernel.sem" or "kernel.shmall" or "kernel.shmmax"
            or "kernel.shmmni" or "kernel.shm_rmid_forced" || key.StartsWith("fs.mqueue.", StringComparison.Ordinal);
        var uts = key is "kernel.domainname";
        var net = key.StartsWith("net.", StringComparison.Ordinal);
        if (net && networkMode == "host") throw new HostConfigException($"sysctl \"{key}\" not allowed in host network namespace");
        if (!ipc && !uts && !net) throw new HostConfigException($"sysctl \"{key}\" is not in a separate kernel namespace");
    }

    /// <summary>docker's validatePortBindings: the container port ("80/tcp") and each HostPort are a port or a range.</summary>
    private static void Ports(ContainerNetworking h)
    {
        foreach (var (port, bindings) in h.PortBindings ?? new Dictionary<string, IReadOnlyList<PortBinding>>())
        {
            var number = port.Split('/')[0];
            if (!IsPortRange(number)) throw new HostConfigException($"invalid port specification: \"{number}\"");
            foreach (var b in bindings)
                if (!IsPortRange(b.HostPort.Split('/')[0])) throw new HostConfigException($"invalid port specification: \"{b.HostPort}\"");
        }
    }

    /// <summary>"", "8080" or "8080-8090" (ascending), each part 0..65535 (nat.ParsePortRange).</summary>
    private static bool IsPortRange(string s)
    {
        if (s.Length == 0) return true;
        var parts = s.Split('-');
        if (parts.Length > 2 || !parts.All(p => p.Length is > 0 and <= 5 && p.All(char.IsAsciiDigit) && int.Parse(p) <= 65535)) return false;
        return parts.Length == 1 || int.Parse(parts[0]) <= int.Parse(parts[1]);
    }

    /// <summary>Go's net.ParseIP: a dotted quad or an IPv6 address, not .NET's legacy forms ("1.2.3", "10").</summary>
    public static bool IsIp(string s) =>
        IPAddress.TryParse(s, out var a) && (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? s.Contains(':') : s.Split('.').Length == 4);

    private static void Names(ContainerNetworking h)
    {
        foreach (var e in h.ExtraHosts ?? [])
        {
            var i = e.IndexOf(':');
            if (i <= 0) throw new HostConfigException($"bad format for add-host: \"{e}\"");
            var ip = e[(i + 1)..].Trim('[', ']');
            if (!IsIp(ip)) throw new HostConfigException($"invalid IP address in add-host: \"{e[(i + 1)..]}\"");
        }
        foreach (var d in h.Dns ?? [])
            if (!IsIp(d)) throw new HostConfigException($"IP address is not correctly formatted: {d}");
    }
}
