namespace Berth.Runtime.Oci;

/// <summary>The namespace types of config.json and their CLONE_* flags and /proc names.</summary>
public static class NamespaceKinds
{
    public const uint CloneNewNs = 0x00020000, CloneNewCgroup = 0x02000000, CloneNewUts = 0x04000000,
        CloneNewIpc = 0x08000000, CloneNewUser = 0x10000000, CloneNewPid = 0x20000000, CloneNewNet = 0x40000000,
        CloneNewTime = 0x00000080;

    /// <summary>(OCI type, clone flag, /proc/pid/ns entry), in the order namespaces are joined.</summary>
    public static readonly (string Type, uint Flag, string ProcName)[] All =
    [
        ("user", CloneNewUser, "user"),
        ("ipc", CloneNewIpc, "ipc"),
        ("uts", CloneNewUts, "uts"),
        ("network", CloneNewNet, "net"),
        ("pid", CloneNewPid, "pid"),
        ("cgroup", CloneNewCgroup, "cgroup"),
        ("mount", CloneNewNs, "mnt"),
        ("time", CloneNewTime, "time"),
    ];

    public static uint Flag(string type)
    {
        foreach (var k in All) if (k.Type == type) return k.Flag;
        return 0;
    }

    public static string? ProcName(string type)
    {
        foreach (var k in All) if (k.Type == type) return k.ProcName;
        return null;
    }
}
