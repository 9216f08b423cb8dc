using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>
/// docker's device policy in a container's spec (moby oci/defaults.go, daemon/oci_linux.go WithDevices, oci/devices_linux.go):
/// deny every device but docker's short list, then what --device and --device-cgroup-rule add; a privileged container
/// gets the host's device nodes and may use any device. The runtime adds its own few defaults (runc's) on top.
/// </summary>
public static partial class OciDevices
{
    private static DeviceRule Allow(string type, long major, long minor) => new() { Allow = true, Type = type, Major = major, Minor = minor, Access = "rwm" };

    /// <summary>
    /// dockerd's rules for every unprivileged container, in its order: deny all, then zero, null, urandom, random and tty;
    /// fuse stays denied. One deliberate difference: dockerd (20.10 and moby today) also allows c 5:1, the host's console,
    /// which a container could read keystrokes from or write to; berth refuses it. A container with a terminal still has its
    /// /dev/console, a bind-mounted pty (c 136:N).
    /// </summary>
    public static IReadOnlyList<DeviceRule> DefaultRules =>
    [
        new() { Allow = false, Access = "rwm" },
        Allow("c", 1, 5), Allow("c", 1, 3), Allow("c", 1, 9), Allow("c", 1, 8), Allow("c", 5, 0),
        new() { Allow = false, Type = "c", Major = 10, Minor = 229, Access = "rwm" },
    ];

    /// <summary>
    /// Sets linux.devices and linux.resources.devices. The host's device nodes are looked up only when
    /// <paramref name="resolve"/> (the bundle that is about to run): like dockerd, a missing device fails the start, not
    /// the create. Throws <see cref="ContainerSpecException"/> with dockerd's message.
    /// </summary>
    public static void Apply(Spec spec, ContainerSecurity h, bool resolve)
    {
        var linux = spec.Linux!;
        linux.Resources ??= new Resources();
        var nodes = new List<Device>();
        if (h.Privileged)
        {
            nodes.AddRange(HostDevices());
            // The host's /dev is there already; a mapping matters only when it puts a device somewhere else.
            foreach (var m in h.Devices ?? [])
                if (resolve && m.PathOnHost != m.PathInContainer) nodes.AddRange(FromPath(m.PathOnHost, m.PathInContainer, "rwm").Nodes);
            linux.Devices = nodes;
            linux.Resources.Devices = [new DeviceRule { Allow = true, Access = "rwm" }];
            return;
        }
        var rules = DefaultRules.ToList();
        if (resolve)
        {
            foreach (var m in h.Devices ?? [])
            {
                var (found, allowed) = FromPath(m.PathOnHost, m.PathInContainer, m.CgroupPermissions);
                nodes.AddRange(found);
                rules.AddRange(allowed);
            }
            rules.AddRange(FromCgroupRules(h.DeviceCgroupRules));
        }
        linux.Devices = nodes;
        linux.Resources.Devices = rules;
    }

    /// <summary>
    /// docker's DevicesFromPath: a device node (a link to one is followed) becomes one device at the container path; a
    /// directory gives every device node below it, at the same place below the container path.
    /// </summary>
    public static (List<Device> Nodes, List<DeviceRule> Rules) FromPath(string pathOnHost, string pathInContainer, string permissions)
    {
        var resolved = pathOnHost;
        try
        {
            if (new FileInfo(pathOnHost) is { LinkTarget: not null } link && link.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                resolved = target.FullName;
        }
        catch (IOException) { } // an unresolvable link: lstat below reports it as docker does
        var nodes = new List<Device>();
        string error;
        try
        {
            if (DeviceNode.Lstat(resolved) is { } node)
                nodes.Add(ToDevice(node, pathInContainer));
            else if (Directory.Exists(resolved))
                Walk(resolved, d => nodes.Add(ToDevice(d.Node, pathInContainer + d.Path[resolved.Length..])));
            error = "not a device node";
        }
        catch (SyscallException e) { error = GoErrorText(e.ErrorNumber); }
        if (nodes.Count == 0) throw new ContainerSpecException($"error gathering device information while adding custom device \"{pathOnHost}\": {error}");
        return (nodes, nodes.Select(n => new DeviceRule { Allow = true, Type = n.Type, Major = n.Major, Minor = n.Minor, Access = permissions }).ToList());
    }

    private static Device ToDevice(DeviceNode n, string path) =>
        new() { Type = n.Type.ToString(), Path = path, Major = n.Major, Minor = n.Minor, FileMode = n.Mode, Uid = n.Uid, Gid = n.Gid };

    /// <summary>Go's filepath.WalkDir order (lexical, links not followed); unreadable entries are skipped like docker skips them.</summary>
    private static void Walk(string dir, Action<(string Path, DeviceNode Node)> found)
    {
        string[] entries;
        try { entries = Directory.GetFileSystemEntries(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            DeviceNode? node;
            try { node = DeviceNode.Lstat(entry); }
            catch (SyscallException) { continue; }
            if (node != null) found((entry, node));
            else if (new FileInfo(entry).LinkTarget == null && Directory.Exists(entry)) Walk(entry, found);
        }
    }

    /// <summary>Go's text for an errno ("no such file or directory"): strerror's, lower-cased at the start.</summary>
    private static string GoErrorText(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
    }

    [GeneratedRegex(@"^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$")]
    private static partial Regex CgroupRule();

    /// <summary>docker's AppendDevicePermissionsFromCgroupRules: "type major:minor access", "*" for any number.</summary>
    public static List<DeviceRule> FromCgroupRules(IEnumerable<string>? rules)
    {
        var result = new List<DeviceRule>();
        foreach (var text in rules ?? [])
        {
            var m = CgroupRule().Match(text);
            if (!m.Success) throw new ContainerSpecException($"invalid device cgroup rule format: '{text}'");
            result.Add(new DeviceRule
            {
                Allow = true, Type = m.Groups[1].Value, Access = m.Groups[4].Value,
                Major = Number(m.Groups[2].Value, "major", text), Minor = Number(m.Groups[3].Value, "minor", text),
            });
        }
        return result;
    }

    private static long Number(string s, string which, string rule) =>
        s == "*" ? -1 : long.TryParse(s, out var n) ? n : throw new ContainerSpecException($"invalid {which} value in device cgroup rule format: '{rule}'");

    /// <summary>The host's device nodes, from /sys/dev (major:minor and DEVNAME), as docker's privileged mode passes them through.</summary>
    public static List<Device> HostDevices()
    {
        var devices = new List<Device>();
        foreach (var (dir, type) in new[] { ("/sys/dev/char", "c"), ("/sys/dev/block", "b") })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                var numbers = Path.GetFileName(entry).Split(':');
                if (numbers.Length != 2 || !long.TryParse(numbers[0], out var major) || !long.TryParse(numbers[1], out var minor)) continue;
                string? name;
                try { name = File.ReadLines(Path.Combine(entry, "uevent")).FirstOrDefault(l => l.StartsWith("DEVNAME=", StringComparison.Ordinal))?[8..]; }
                catch (IOException) { continue; }
                // Nested nodes (/dev/net/tun) would need their directories made first; docker users pass those with --device.
                if (name == null || name.Contains('/') || name is "console" or "ptmx" or "tty") continue;
                var path = "/dev/" + name;
                if (!File.Exists(path)) continue;
                devices.Add(new Device { Type = type, Path = path, Major = major, Minor = minor, FileMode = 0x1b0 /* 0660 */, Uid = 0, Gid = 0 });
            }
        }
        return devices.OrderBy(d => d.Path, StringComparer.Ordinal).ToList();
    }
}
