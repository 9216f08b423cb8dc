using System.Text.Json.Serialization;
using Berth.Actors.Containers;

namespace Berth.Actors.Protocol;

/// <summary>
/// berth's definition of a container, as a create asks for it and as the journal keeps it: what runs (process and
/// stdio), how it is kept alive (restart, health, stop), what it may use (resources), what it sees (mounts, network)
/// and what it may do (security). Docker's request shapes become this at the HTTP edge. A null list or map means
/// "not given" (an image's value or berth's default applies); an empty one was given empty.
/// </summary>
public sealed record ContainerSpec
{
    /// <summary>The image reference as the create named it.</summary>
    public string Image { get; init; } = "";

    /// <summary>"" means the container's short id.</summary>
    public string Hostname { get; init; } = "";

    public string Domainname { get; init; } = "";
    public ContainerProcess Process { get; init; } = new();
    public ContainerStdio Stdio { get; init; } = new();
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The signal a stop sends first (name or number); null means SIGTERM.</summary>
    public string? StopSignal { get; init; }

    /// <summary>How long a stop waits before SIGKILL; null means 10 seconds.</summary>
    public TimeSpan? StopTimeout { get; init; }

    public HealthSettings? Health { get; init; }
    public RestartPolicy Restart { get; init; } = RestartPolicy.None;

    /// <summary>The container is removed when its process ends (docker run --rm).</summary>
    public bool AutoRemove { get; init; }

    /// <summary>The runtime asked for; "" means the daemon's default.</summary>
    public string Runtime { get; init; } = "";

    public ContainerResources Resources { get; init; } = new();
    public ContainerMounts Mounts { get; init; } = new();
    public ContainerSecurity Security { get; init; } = new();
    public LogSettings Logging { get; init; } = new();
    public ContainerNetworking Network { get; init; } = new();

    /// <summary>The image's ONBUILD triggers, carried along (a container never runs them).</summary>
    public IReadOnlyList<string>? OnBuild { get; init; }

    /// <summary>Entrypoint + command, as the process runs them.</summary>
    [JsonIgnore] public IReadOnlyList<string> Argv => [.. Process.Entrypoint ?? [], .. Process.Command ?? []];
}

/// <summary>The container's main process: its argv (entrypoint then command), environment, user, directory and init.</summary>
public sealed record ContainerProcess
{
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>"NAME=value" (or "NAME") entries, in order.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>user[:group] by name or id; "" means the image's (root).</summary>
    public string User { get; init; } = "";

    /// <summary>An absolute path; "" means "/".</summary>
    public string WorkingDir { get; init; } = "";

    /// <summary>The shell a CMD-SHELL health probe runs under; null means /bin/sh -c.</summary>
    public IReadOnlyList<string>? Shell { get; init; }

    /// <summary>The command line was escaped already (a Windows image's flag, kept as given).</summary>
    public bool ArgsEscaped { get; init; }

    /// <summary>Run a tiny init as pid 1 (--init); null means not asked.</summary>
    public bool? Init { get; init; }
}

/// <summary>The container's terminal and standard streams.</summary>
public sealed record ContainerStdio
{
    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }

    /// <summary>Stdin closes after the first attach ends.</summary>
    public bool StdinOnce { get; init; }

    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; }
    public bool AttachStderr { get; init; }
}

/// <summary>A HEALTHCHECK: the test ("NONE", "CMD" args..., "CMD-SHELL" line) and its timing; zero means berth's default.</summary>
public sealed record HealthSettings
{
    public IReadOnlyList<string>? Test { get; init; }
    public TimeSpan Interval { get; init; }
    public TimeSpan Timeout { get; init; }
    public TimeSpan StartPeriod { get; init; }
    public int Retries { get; init; }
}

/// <summary>What the container may use: memory in bytes, cpu (nano-cpus, shares, CFS period and quota in microseconds, cpusets), pids, ulimits, /dev/shm.</summary>
public sealed record ContainerResources
{
    public long Memory { get; init; }

    /// <summary>Memory plus swap; -1 is unlimited swap.</summary>
    public long MemorySwap { get; init; }

    public long MemoryReservation { get; init; }
    public long NanoCpus { get; init; }
    public long CpuShares { get; init; }
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }

    /// <summary>A cpu list ("0-2,4"); "" means any.</summary>
    public string CpusetCpus { get; init; } = "";

    public string CpusetMems { get; init; } = "";

    /// <summary>0 or less (or null) means unlimited.</summary>
    public long? PidsLimit { get; init; }

    public IReadOnlyList<Ulimit>? Ulimits { get; init; }

    /// <summary>/dev/shm's size in bytes; 0 means 64 MiB.</summary>
    public long ShmSize { get; init; }

    /// <summary>-1000..1000, the process's oom_score_adj.</summary>
    public int OomScoreAdj { get; init; }
}

/// <summary>One rlimit: its name without RLIMIT_ ("nofile") and its soft and hard values.</summary>
public sealed record Ulimit(string Name, long Soft, long Hard);

/// <summary>What is mounted into the container besides its image.</summary>
public sealed record ContainerMounts
{
    /// <summary>Bind mounts in -v's syntax: "/host/path:/container/path[:options]".</summary>
    public IReadOnlyList<string>? Binds { get; init; }

    public IReadOnlyList<ContainerMount>? Mounts { get; init; }

    /// <summary>tmpfs mounts: container path → mount options ("size=64m,mode=1777").</summary>
    public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }

    /// <summary>The paths the image declares as volumes (kept as declared; berth has no volumes yet).</summary>
    public IReadOnlyList<string>? Volumes { get; init; }
}

/// <summary>The kinds of <see cref="ContainerMount"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MountKind>))]
public enum MountKind { Bind, Tmpfs, Volume }

/// <summary>One --mount: a bind of a host path, a tmpfs or a volume at Target.</summary>
public sealed record ContainerMount
{
    public MountKind Kind { get; init; }
    public string Source { get; init; } = "";
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    public BindMountOptions? Bind { get; init; }
    public TmpfsMountOptions? Tmpfs { get; init; }
}

/// <summary>A bind's propagation ("" means rprivate) and whether sub-mounts stay out.</summary>
public sealed record BindMountOptions(string Propagation, bool NonRecursive);

/// <summary>A tmpfs's size in bytes and its permission bits (0 means the kernel's defaults).</summary>
public sealed record TmpfsMountOptions(long SizeBytes, int Mode);

/// <summary>What the container may do: privileges, capabilities, security options, devices, sysctls.</summary>
public sealed record ContainerSecurity
{
    public bool Privileged { get; init; }
    public bool ReadonlyRootfs { get; init; }

    /// <summary>Capability names as given (with or without CAP_, any case, or ALL).</summary>
    public IReadOnlyList<string>? CapAdd { get; init; }

    public IReadOnlyList<string>? CapDrop { get; init; }

    /// <summary>seccomp=, apparmor=, label=, no-new-privileges, systempaths= options, as given.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    public IReadOnlyList<DeviceMapping>? Devices { get; init; }

    /// <summary>More device cgroup allow rules, in the kernel's syntax ("c 1:3 rwm").</summary>
    public IReadOnlyList<string>? DeviceCgroupRules { get; init; }

    public IReadOnlyDictionary<string, string>? Sysctls { get; init; }
}

/// <summary>One --device: the node on the host, where it appears in the container, and the access ("rwm" letters) its cgroup grants.</summary>
public sealed record DeviceMapping(string PathOnHost, string PathInContainer, string CgroupPermissions);

/// <summary>The log driver ("" means json-file) and its options (max-size, max-file).</summary>
public sealed record LogSettings
{
    public string Driver { get; init; } = "";
    public IReadOnlyDictionary<string, string>? Options { get; init; }
}

/// <summary>The container's network: the mode, name resolution, and the ports it declares and asks to publish.</summary>
public sealed record ContainerNetworking
{
    /// <summary>"", "default", "bridge", "none" or "host" (see <see cref="ContainerNetwork"/>).</summary>
    public string Mode { get; init; } = "";

    public IReadOnlyList<string>? Dns { get; init; }
    public IReadOnlyList<string>? DnsOptions { get; init; }
    public IReadOnlyList<string>? DnsSearch { get; init; }

    /// <summary>"name:ip" entries for /etc/hosts.</summary>
    public IReadOnlyList<string>? ExtraHosts { get; init; }

    /// <summary>Container port ("80/tcp") → host bindings (checked; berth does not publish ports yet).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PortBinding>>? PortBindings { get; init; }

    /// <summary>The ports the container declares ("80/tcp").</summary>
    public IReadOnlyList<string>? ExposedPorts { get; init; }

    public string? MacAddress { get; init; }
    public bool Disabled { get; init; }
}

/// <summary>One host binding of a container port: HostPort is a port or a range ("8080", "8080-8090"), "" for any.</summary>
public sealed record PortBinding(string HostIp, string HostPort);
