using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>One container's cgroup, in whichever hierarchy layout the host uses.</summary>
public interface ICgroup
{
    /// <summary>The cgroup path relative to the hierarchy roots, e.g. "/berth/abc".</summary>
    string Path { get; }

    /// <summary>Creates the cgroup directories and writes the limits. Throws ConfigException for a limit the host cannot apply.</summary>
    void Create(Resources? resources);

    /// <summary>
    /// Confines the cgroup's device access to <paramref name="rules"/> (see <see cref="DeviceRules.For"/>), as runc does:
    /// devices.allow/devices.deny on v1, an eBPF device filter on v2.
    /// </summary>
    void SetDevices(IReadOnlyList<DeviceCgroupRule> rules);

    /// <summary>Moves a process (and so its future children) into the cgroup.</summary>
    void AddProcess(int pid);

    /// <summary>Every process currently in the cgroup.</summary>
    IReadOnlyList<int> Processes();

    void Freeze();
    void Thaw();
    bool IsFrozen();

    /// <summary>Kills every process in the cgroup (freeze, kill, thaw on v1; cgroup.kill on v2).</summary>
    void KillAll(int signal);

    /// <summary>Removes the cgroup directories; missing ones are fine.</summary>
    void Destroy();

    /// <summary>Whether any directory of this cgroup exists.</summary>
    bool Exists();

    /// <summary>Current usage counters.</summary>
    CgroupStats Stats();

    /// <summary>The full usage picture docker's stats endpoint reports (cpu, memory, pids, block I/O).</summary>
    CgroupUsage Usage();

    /// <summary>Changes the limits of a live cgroup (docker update): only what <paramref name="resources"/> sets is written.</summary>
    void Update(Resources resources);
}

/// <summary>Usage counters read from a cgroup.</summary>
public sealed record CgroupStats(long MemoryUsage, long MemoryLimit, long MemoryMaxUsage, long OomKills, long PidsCurrent, long PidsLimit, long CpuUsageNanos);
