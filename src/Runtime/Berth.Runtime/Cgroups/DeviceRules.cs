using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>A device cgroup rule in the kernel's "type major:minor access" syntax.</summary>
public sealed record DeviceCgroupRule(bool Allow, string Text)
{
}

/// <summary>Turns linux.resources.devices into the rules to write, plus the devices every container needs.</summary>
public static class DeviceRules
{
    // The devices the runtime itself creates must stay usable whatever the config denies
    // (runc's AllowedDevices): mknod of any node, null, zero, full, tty, random, urandom,
    // console, ptmx, the pty slaves and tun.
    private static readonly string[] Defaults =
    [
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm",
        "c 1:9 rwm", "c 5:1 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
    ];

    public static IEnumerable<DeviceCgroupRule> Effective(List<Oci.DeviceRule>? rules)
    {
        foreach (var r in rules ?? [])
        {
            var type = string.IsNullOrEmpty(r.Type) ? "a" : r.Type;
            var major = r.Major is { } ma and >= 0 ? ma.ToString() : "*";
            var minor = r.Minor is { } mi and >= 0 ? mi.ToString() : "*";
            var access = string.IsNullOrEmpty(r.Access) ? "rwm" : r.Access;
            yield return new DeviceCgroupRule(r.Allow, $"{type} {major}:{minor} {access}");
        }
        foreach (var d in Defaults) yield return new DeviceCgroupRule(true, d);
    }
}
