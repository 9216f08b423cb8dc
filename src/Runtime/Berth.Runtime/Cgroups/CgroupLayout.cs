namespace Berth.Runtime.Cgroups;

/// <summary>
/// Which cgroup hierarchies the host mounts. In the hybrid layout (v1 controllers plus a
/// cgroup2 mount at /sys/fs/cgroup/unified) the v1 controllers are authoritative.
/// </summary>
public sealed record CgroupLayout(IReadOnlyDictionary<string, string> V1Mounts, string? V2Mount)
{
    public bool IsV1 => V1Mounts.Count > 0;
    public bool IsHybrid => IsV1 && V2Mount != null;
    public bool IsV2Only => !IsV1 && V2Mount != null;

    /// <summary>Reads /proc/self/mountinfo.</summary>
    public static CgroupLayout Detect() => Parse(File.ReadAllLines("/proc/self/mountinfo"));

    /// <summary>Parses mountinfo lines; a v1 mount is keyed by each of its controllers (and "name=x").</summary>
    public static CgroupLayout Parse(IEnumerable<string> mountinfo)
    {
        var v1 = new Dictionary<string, string>();
        string? v2 = null;
        foreach (var line in mountinfo)
        {
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var pre = line[..sep].Split(' ');
            var post = line[(sep + 3)..].Split(' ');
            if (pre.Length < 5 || post.Length < 3) continue;
            var mountPoint = Unescape(pre[4]);
            if (post[0] == "cgroup2") v2 ??= mountPoint;
            else if (post[0] == "cgroup")
                foreach (var opt in post[2].Split(','))
                    if (opt is not ("rw" or "ro") && !opt.Contains('=') || opt.StartsWith("name=", StringComparison.Ordinal))
                        if (IsController(opt)) v1.TryAdd(opt, mountPoint);
        }
        return new CgroupLayout(v1, v2);
    }

    private static bool IsController(string opt) =>
        opt.StartsWith("name=", StringComparison.Ordinal) ||
        opt is "cpu" or "cpuacct" or "cpuset" or "memory" or "devices" or "freezer" or "blkio" or "pids"
            or "net_cls" or "net_prio" or "perf_event" or "hugetlb" or "rdma" or "misc";

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    /// <summary>The cgroup implementation for this layout.</summary>
    public ICgroup Open(string path) => IsV1 ? new CgroupV1(this, path) : V2Mount != null
        ? new CgroupV2(V2Mount, path)
        : throw new InvalidOperationException("no cgroup hierarchy is mounted");

    /// <summary>The distinct v1 mount points (one per hierarchy).</summary>
    public IEnumerable<string> V1Hierarchies => V1Mounts.Values.Distinct();
}
