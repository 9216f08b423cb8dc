using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>What a device rule grants, valued as the kernel's BPF_DEVCG_ACC_* bits so the eBPF filter uses them as they are.</summary>
[Flags]
public enum DeviceAccess : byte
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = Mknod | Read | Write,
}

/// <summary>
/// One device cgroup rule: type 'a' (every device, whatever the numbers say), 'b' or 'c'; a major or minor of
/// <see cref="Wildcard"/> is "*".
/// </summary>
public sealed record DeviceCgroupRule(bool Allow, char Type, long Major, long Minor, DeviceAccess Access)
{
    public const long Wildcard = -1;

    /// <summary>"rwm" letters to access bits; like runc, letters other than r, w and m count for nothing.</summary>
    public static DeviceAccess ParseAccess(string letters)
    {
        var access = DeviceAccess.None;
        foreach (var c in letters)
            access |= c switch { 'r' => DeviceAccess.Read, 'w' => DeviceAccess.Write, 'm' => DeviceAccess.Mknod, _ => DeviceAccess.None };
        return access;
    }

    public static string FormatAccess(DeviceAccess access) =>
        (access.HasFlag(DeviceAccess.Read) ? "r" : "") + (access.HasFlag(DeviceAccess.Write) ? "w" : "") + (access.HasFlag(DeviceAccess.Mknod) ? "m" : "");

    /// <summary>The kernel's v1 syntax, as devices.allow and devices.deny take it: "c 1:3 rwm", "b 7:* r", "a *:* rwm".</summary>
    public override string ToString() =>
        $"{Type} {(Major == Wildcard ? "*" : Major.ToString())}:{(Minor == Wildcard ? "*" : Minor.ToString())} {FormatAccess(Access)}";
}

/// <summary>The rules a container's device cgroup gets: linux.resources.devices in order, then the devices runc always allows.</summary>
public static class DeviceRules
{
    private static DeviceCgroupRule Allow(char type, long major, long minor, DeviceAccess access = DeviceAccess.All) =>
        new(true, type, major, minor, access);

    // runc 1.1's AllowedDevices (libcontainer/specconv): mknod of any node, the standard nodes the runtime creates, the
    // pty slaves, ptmx and tun. Not the console: a container reaches c 5:1 only when its config allows it (docker's does).
    // A rule with a path is left out when linux.devices names that path, as runc does.
    private static readonly (string? Path, DeviceCgroupRule Rule)[] RuntimeDefaults =
    [
        (null, Allow('c', DeviceCgroupRule.Wildcard, DeviceCgroupRule.Wildcard, DeviceAccess.Mknod)),
        (null, Allow('b', DeviceCgroupRule.Wildcard, DeviceCgroupRule.Wildcard, DeviceAccess.Mknod)),
        ("/dev/null", Allow('c', 1, 3)),
        ("/dev/random", Allow('c', 1, 8)),
        ("/dev/full", Allow('c', 1, 7)),
        ("/dev/tty", Allow('c', 5, 0)),
        ("/dev/zero", Allow('c', 1, 5)),
        ("/dev/urandom", Allow('c', 1, 9)),
        (null, Allow('c', 136, DeviceCgroupRule.Wildcard)),
        (null, Allow('c', 5, 2)),
        (null, Allow('c', 10, 200)),
    ];

    /// <summary>The config's rules, then the runtime's; throws <see cref="ConfigException"/> for a rule runc refuses.</summary>
    public static IReadOnlyList<DeviceCgroupRule> For(Spec spec)
    {
        var rules = new List<DeviceCgroupRule>();
        var configured = spec.Linux?.Resources?.Devices ?? [];
        for (var i = 0; i < configured.Count; i++) rules.Add(Parse(configured[i], $"linux.resources.devices[{i}]"));
        var nodes = (spec.Linux?.Devices ?? []).Select(d => d.Path).ToHashSet();
        rules.AddRange(RuntimeDefaults.Where(d => d.Path == null || !nodes.Contains(d.Path)).Select(d => d.Rule));
        return rules;
    }

    private static DeviceCgroupRule Parse(DeviceRule r, string field)
    {
        var type = string.IsNullOrEmpty(r.Type) ? "a" : r.Type;
        if (type is not ("a" or "b" or "c")) throw new ConfigException(field + ".type", $"invalid cgroup device type \"{type}\"");
        if (string.IsNullOrEmpty(r.Access)) throw new ConfigException(field + ".access", "cannot be empty");
        return new DeviceCgroupRule(r.Allow, type[0], r.Major ?? DeviceCgroupRule.Wildcard, r.Minor ?? DeviceCgroupRule.Wildcard,
            DeviceCgroupRule.ParseAccess(r.Access));
    }
}
