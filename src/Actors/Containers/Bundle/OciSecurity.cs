using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>Capabilities, privileged mode, masked paths and seccomp, the way docker sets them (devices: <see cref="OciDevices"/>).</summary>
public static class OciSecurity
{
    /// <summary>docker's default capability set.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static readonly IReadOnlyList<string> ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>Every capability this kernel knows that berthd itself may pass on (its bounding set), as docker's GetAllCapabilities.</summary>
    public static IReadOnlyList<string> AllCapabilities
    {
        get
        {
            var bounding = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)) is { } line
                ? Convert.ToUInt64(line[7..].Trim(), 16) : ulong.MaxValue;
            return CapabilityNames.All.Take(CapabilityNames.LastCap() + 1).Where((_, bit) => (bounding & (1UL << bit)) != 0).ToList();
        }
    }

    /// <summary>
    /// docker's TweakCapabilities: privileged gets all; CapAdd ALL = all but the dropped; CapDrop ALL = only the added;
    /// otherwise the defaults minus CapDrop plus CapAdd. Names with or without CAP_, any case; unknown names are refused.
    /// </summary>
    public static List<string> Capabilities(ContainerSecurity h)
    {
        var add = Normalize(h.CapAdd);
        var drop = Normalize(h.CapDrop);
        if (h.Privileged) return [.. AllCapabilities];
        IEnumerable<string> caps;
        if (add.Contains("ALL")) caps = AllCapabilities.Where(c => !drop.Contains(c));
        else if (drop.Contains("ALL")) caps = add;
        else caps = DefaultCapabilities.Where(c => !drop.Contains(c)).Concat(add);
        return caps.Distinct().ToList();
    }

    private static List<string> Normalize(IReadOnlyList<string>? names)
    {
        var result = new List<string>();
        foreach (var raw in names ?? [])
        {
            var n = raw.Trim().ToUpperInvariant();
            if (n == "ALL") { result.Add(n); continue; }
            if (!n.StartsWith("CAP_", StringComparison.Ordinal)) n = "CAP_" + n;
            if (CapabilityNames.Bit(n) < 0) throw new HostConfigException($"unknown capability: \"{n}\"");
            result.Add(n);
        }
        return result;
    }

    /// <summary>Applies privileged mode, the security options and the seccomp profile to a spec built with docker's defaults.</summary>
    public static void Apply(Spec spec, ContainerSecurity h)
    {
        var caps = Capabilities(h);
        spec.Process!.Capabilities = new Capabilities { Bounding = [.. caps], Effective = [.. caps], Permitted = [.. caps] };
        var opts = SecurityOptions.From(h.Options, caps);
        spec.Process.NoNewPrivileges = opts.NoNewPrivileges;
        var linux = spec.Linux!;
        if (h.Privileged || opts.UnmaskedPaths)
        {
            linux.MaskedPaths = [];
            linux.ReadonlyPaths = [];
        }
        else
        {
            linux.MaskedPaths = [.. MaskedPaths];
            linux.ReadonlyPaths = [.. ReadonlyPaths];
        }
        // docker's rule: privileged and seccomp=unconfined run without a filter; otherwise the user's profile, or the
        // built-in one written for the capabilities this container ends up with.
        if (!h.Privileged && !opts.SeccompUnconfined) linux.Seccomp = opts.SeccompProfile ?? DefaultSeccomp.For(caps);
        if (h.Privileged)
        {
            foreach (var m in spec.Mounts ?? [])
                if (m.Destination == "/sys") m.Options = [.. (m.Options ?? []).Where(o => o != "ro").Append("rw")];
        }
        if (h.Sysctls is { Count: > 0 }) linux.Sysctl = new Dictionary<string, string>(h.Sysctls);
    }
}
