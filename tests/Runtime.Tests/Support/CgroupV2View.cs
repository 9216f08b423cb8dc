namespace Berth.Runtime.Tests.Support;

/// <summary>
/// A cgroup v2-only host, seen from a private mount namespace of the hybrid test host: the v1 hierarchies under
/// /sys/fs/cgroup are unmounted there and cgroup2 (the same unified hierarchy the host shows at /sys/fs/cgroup/unified,
/// with no controllers) is mounted in their place. A runtime started through <see cref="Launcher"/> detects a pure v2
/// host, so it has to confine devices with eBPF. The namespace dies with the runtime: nothing to unmount afterwards;
/// the cgroups it made are in the host's unified hierarchy, where <see cref="HostCgroups.RemoveTree"/> finds them.
/// </summary>
public static class CgroupV2View
{
    public static readonly string[] Launcher =
    [
        "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
        "mount --make-rprivate / && umount -R /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec \"$@\"",
        "cgroup2-view",
    ];
}
