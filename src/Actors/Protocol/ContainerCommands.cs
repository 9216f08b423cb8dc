using System.Text.Json.Serialization;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>A message the containers actor (or one container) answers.</summary>
public interface IContainerCommand;

/// <summary>A container is named by full id, unique id prefix, or name (with or without the leading '/').</summary>
public interface IContainerTargeted : IContainerCommand
{
    string Ref { get; }
}

/// <summary>
/// docker's HostConfig as berthd takes it from create (and update): unknown fields are ignored, like docker's decoder.
/// Null means "not given" so inspect can show docker's defaults.
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

/// <summary>POST /containers/create: Name may be null (a random name is chosen).</summary>
[Manifest("container.create.v1")]
public sealed record CreateContainer(string? Name, ContainerConfig Config, ContainerHostConfig HostConfig) : IContainerCommand, IBerthMessage;

[Manifest("container.start.v1")]
public sealed record StartContainer(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>SIGTERM (or the image's StopSignal), then SIGKILL after Timeout seconds.</summary>
[Manifest("container.stop.v1")]
public sealed record StopContainer(string Ref, int? Timeout) : IContainerTargeted, IBerthMessage;

[Manifest("container.kill.v1")]
public sealed record KillContainer(string Ref, int Signal) : IContainerTargeted, IBerthMessage;

[Manifest("container.restart.v1")]
public sealed record RestartContainer(string Ref, int? Timeout) : IContainerTargeted, IBerthMessage;

[Manifest("container.remove.v1")]
public sealed record RemoveContainer(string Ref, bool Force) : IContainerTargeted, IBerthMessage;

/// <summary>Condition is docker's not-running, next-exit or removed.</summary>
[Manifest("container.wait.v1")]
public sealed record WaitContainer(string Ref, string Condition) : IContainerTargeted, IBerthMessage;

[Manifest("container.inspect.v1")]
public sealed record InspectContainer(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>
/// What the HTTP layer needs to attach or read logs: the shim's state dir, log path and terminal mode. Node-local: its
/// answer (<see cref="ContainerLocation"/>) holds the container's open streams, so only the container's own node asks.
/// </summary>
public sealed record LocateContainer(string Ref) : IContainerTargeted, Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>
/// GET /containers/json → <see cref="ContainerList"/>, newest first, filtered as `docker ps` filters (status, name, id,
/// label, ancestor, exited, health, before, since); <see cref="Limit"/> above 0 takes the newest of every state, as
/// dockerd does. A bad filter value → <see cref="ContainerError"/> Invalid, an unknown before/since container → NotFound.
/// </summary>
[Manifest("containers.list.v1")]
public sealed record ListContainers(bool All, FilterSet? Filters = null, int Limit = -1) : IContainerCommand, IBerthMessage;

/// <summary>How a container request was refused or failed; the HTTP edge maps each kind to docker's status code.</summary>
public enum ContainerErrorKind
{
    /// <summary>No such container, exec or file.</summary>
    NotFound,
    /// <summary>The request contradicts the container's state (running, paused, being removed) or another container's name.</summary>
    Conflict,
    /// <summary>The request itself is wrong: a bad filter, name, setting, or a command that cannot be executed (exit 126/127).</summary>
    Invalid,
    /// <summary>berthd or the runtime failed while carrying out a valid request.</summary>
    Internal,
}

/// <summary>A refusal or failure with docker's message; <see cref="Kind"/> says which.</summary>
[Manifest("container.error.v1")]
public sealed record ContainerError(ContainerErrorKind Kind, string Message) : IBerthMessage
{
    /// <summary>An image operation's failure, told as a container reply (create waits for its image).</summary>
    public static ContainerError From(ImageError e) => new(e.Kind switch
    {
        ImageErrorKind.NotFound => ContainerErrorKind.NotFound,
        ImageErrorKind.Conflict => ContainerErrorKind.Conflict,
        ImageErrorKind.InvalidArgument => ContainerErrorKind.Invalid,
        _ => ContainerErrorKind.Internal,
    }, e.Message);
}

[Manifest("container.create-reply.v1")]
public sealed record ContainerCreated(string Id) : IBerthMessage;

/// <summary>Done; NotModified for docker's 304 (start of a running container, stop of a stopped one).</summary>
[Manifest("container.done.v1")]
public sealed record ContainerDone(bool NotModified = false) : IBerthMessage;

[Manifest("container.exited.v1")]
public sealed record ContainerExited(long StatusCode) : IBerthMessage;

/// <summary>The answer to <see cref="LocateContainer"/>: node-local, it carries the container's stream handles.</summary>
public sealed record ContainerLocation(string Id, string Name, bool Tty, bool Running, bool OpenStdin, Containers.Handles.ContainerStreams Streams)
    : Akka.Actor.INoSerializationVerificationNeeded;

[Manifest("container.inspected.v1")]
public sealed record ContainerInspected(ContainerView View) : IBerthMessage;

[Manifest("containers.listed.v1")]
public sealed record ContainerList(IReadOnlyList<ContainerView> Items) : IBerthMessage;

/// <summary>Everything docker's inspect and ps show of one container.</summary>
public sealed record ContainerView(
    string Id, string Name, DateTimeOffset Created, string Image, string ImageName, ContainerConfig Config, ContainerHostConfig HostConfig,
    string Path, IReadOnlyList<string> Args, ContainerStatusView State, string LogPath)
{
    /// <summary>Ids of the container's running execs; null when there are none (docker's ExecIDs).</summary>
    public IReadOnlyList<string>? ExecIDs { get; init; }
}

/// <summary>docker's State object.</summary>
public sealed partial record ContainerStatusView(
    string Status, bool Running, bool Paused, bool Restarting, bool OOMKilled, bool Dead, int Pid, int ExitCode, string Error,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
