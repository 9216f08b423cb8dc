using Berth.Runtime.Oci;

namespace Berth.Runtime.Containers;

/// <summary>What the runtime remembers about a container in &lt;root&gt;/&lt;id&gt;/state.json.</summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public int Pid { get; set; }
    /// <summary>Start time of Pid in clock ticks since boot (/proc/pid/stat field 22), to detect pid reuse.</summary>
    public ulong PidStartTime { get; set; }
    public DateTime Created { get; set; }
    public string CgroupPath { get; set; } = "";
    /// <summary>Set once the container has started, so a dead init reads as stopped, not created.</summary>
    public bool Started { get; set; }
    /// <summary>The config as it was at create time: later edits of config.json have no effect.</summary>
    public Spec Spec { get; set; } = new();
    public string Owner { get; set; } = "";
}
