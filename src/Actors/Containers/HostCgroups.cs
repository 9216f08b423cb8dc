using Berth.Runtime.Cgroups;

namespace Berth.Actors.Containers;

/// <summary>The host's cgroup layout, read once: containers' cgroups are opened through it (pause, top, stats, update).</summary>
public static class HostCgroups
{
    private static readonly Lazy<CgroupLayout> Detected = new(CgroupLayout.Detect);

    public static CgroupLayout Layout => Detected.Value;

    /// <summary>The cgroup the OCI runtime made for this container.</summary>
    public static ICgroup Of(ContainerPaths paths) => Layout.Open(paths.CgroupPath);
}
