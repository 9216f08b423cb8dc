using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>
/// docker's HostConfig as berthd takes it from create: unknown fields are ignored, like docker's decoder. Null means
/// "not given" so inspect can show docker's defaults. It stops at the edge: <see cref="ContainerSpecMapper"/> turns it
/// into berth's <see cref="ContainerSpec"/> and back (the records here are also how 0.1.0's journal spelled it).
/// </summary>
public sealed record ContainerHostConfig
{
    public bool AutoRemove { get; init; }
    public string NetworkMode { get; init; } = "";
    public string Runtime { get; init; } = "";
    public IReadOnlyList<string>? Binds { get; init; }
    public IReadOnlyList<MountSpec>? Mounts { get; init; }
    /// <summary>--tmpfs: container path → mount options ("size=64m,mode=1777").</summary>
    public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }
    public RestartPolicySpec? RestartPolicy { get; init; }
    public LogConfigSpec? LogConfig { get; init; }
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long MemoryReservation { get; init; }
    public long NanoCpus { get; init; }
    public long CpuShares { get; init; }
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
    public string CpusetCpus { get; init; } = "";
    public string CpusetMems { get; init; } = "";
    public long? PidsLimit { get; init; }
    public IReadOnlyList<UlimitSpec>? Ulimits { get; init; }
    public IReadOnlyList<string>? CapAdd { get; init; }
    public IReadOnlyList<string>? CapDrop { get; init; }
    public bool Privileged { get; init; }
    /// <summary>--device: host device nodes (or directories of them) to make in the container, with the access its cgroup grants.</summary>
    public IReadOnlyList<DeviceMappingSpec>? Devices { get; init; }
    /// <summary>--device-cgroup-rule: more device cgroup allow rules, in the kernel's syntax ("c 1:3 rwm", "b 7:* r").</summary>
    public IReadOnlyList<string>? DeviceCgroupRules { get; init; }
    public bool ReadonlyRootfs { get; init; }
    public IReadOnlyList<string>? SecurityOpt { get; init; }
    public IReadOnlyDictionary<string, string>? Sysctls { get; init; }
    public bool? Init { get; init; }
    public IReadOnlyList<string>? ExtraHosts { get; init; }
    public IReadOnlyList<string>? Dns { get; init; }
    public IReadOnlyList<string>? DnsOptions { get; init; }
    public IReadOnlyList<string>? DnsSearch { get; init; }
    public long ShmSize { get; init; }
    /// <summary>--oom-score-adj: -1000..1000, the process's /proc/self/oom_score_adj.</summary>
    public int OomScoreAdj { get; init; }
    /// <summary>-p: container port ("80/tcp") → host bindings. Checked like dockerd's; berthd does not publish ports yet.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PortBindingSpec>>? PortBindings { get; init; }
}

/// <summary>One host binding of a container port: HostPort is a port or a range ("8080", "8080-8090"), "" for any.</summary>
public sealed record PortBindingSpec
{
    public string HostIp { get; init; } = "";
    public string HostPort { get; init; } = "";
}

/// <summary>One entry of HostConfig.Mounts (type bind, tmpfs or volume).</summary>
public sealed record MountSpec
{
    public string Type { get; init; } = "";
    public string Source { get; init; } = "";
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    public BindOptionsSpec? BindOptions { get; init; }
    public TmpfsOptionsSpec? TmpfsOptions { get; init; }
}

public sealed record BindOptionsSpec
{
    public string Propagation { get; init; } = "";
    public bool NonRecursive { get; init; }
}

public sealed record TmpfsOptionsSpec
{
    public long SizeBytes { get; init; }
    public int Mode { get; init; }
}

/// <summary>One --device: the node on the host, where it appears in the container, and the access ("rwm" letters) it gets.</summary>
public sealed record DeviceMappingSpec
{
    public string PathOnHost { get; init; } = "";
    public string PathInContainer { get; init; } = "";
    public string CgroupPermissions { get; init; } = "";
}

/// <summary>Name is "", "no", "always", "unless-stopped" or "on-failure".</summary>
public sealed record RestartPolicySpec
{
    public string Name { get; init; } = "";
    public int MaximumRetryCount { get; init; }
}

/// <summary>The log driver ("json-file", "none") and its options (max-size, max-file).</summary>
public sealed record LogConfigSpec
{
    public string Type { get; init; } = "";
    public IReadOnlyDictionary<string, string>? Config { get; init; }
}

public sealed record UlimitSpec
{
    public string Name { get; init; } = "";
    public long Soft { get; init; }
    public long Hard { get; init; }
}
