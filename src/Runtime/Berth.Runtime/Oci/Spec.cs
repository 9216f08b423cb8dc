using System.Text.Json.Serialization;

namespace Berth.Runtime.Oci;

// The OCI runtime-spec config.json model (Linux subset we execute). Property names follow the
// spec through the camelCase policy of OciJsonContext; the odd ones are spelled out.
// Unknown properties are ignored, as the spec's extensibility rule demands.

/// <summary>The root object of an OCI bundle's config.json.</summary>
public sealed class Spec
{
    public string? OciVersion { get; set; }
    public Process? Process { get; set; }
    public Root? Root { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public List<Mount>? Mounts { get; set; }
    public Hooks? Hooks { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public Linux? Linux { get; set; }
}

/// <summary>The container process: what to run, as whom, with which limits.</summary>
public sealed class Process
{
    public bool Terminal { get; set; }
    public ConsoleSize? ConsoleSize { get; set; }
    public User User { get; set; } = new();
    public List<string>? Args { get; set; }
    public List<string>? Env { get; set; }
    public string? Cwd { get; set; }
    public Capabilities? Capabilities { get; set; }
    public List<Rlimit>? Rlimits { get; set; }
    public bool NoNewPrivileges { get; set; }
    public string? ApparmorProfile { get; set; }
    public int? OomScoreAdj { get; set; }
    public string? SelinuxLabel { get; set; }
}

/// <summary>Terminal size in characters.</summary>
public sealed class ConsoleSize
{
    public uint Height { get; set; }
    public uint Width { get; set; }
}

/// <summary>The user the process runs as.</summary>
public sealed class User
{
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint? Umask { get; set; }
    public List<uint>? AdditionalGids { get; set; }
}

/// <summary>The five Linux capability sets, as CAP_* names.</summary>
public sealed class Capabilities
{
    public List<string>? Bounding { get; set; }
    public List<string>? Effective { get; set; }
    public List<string>? Inheritable { get; set; }
    public List<string>? Permitted { get; set; }
    public List<string>? Ambient { get; set; }
}

/// <summary>One POSIX rlimit (RLIMIT_* type).</summary>
public sealed class Rlimit
{
    public string? Type { get; set; }
    public ulong Hard { get; set; }
    public ulong Soft { get; set; }
}

/// <summary>The container's root filesystem.</summary>
public sealed class Root
{
    public string? Path { get; set; }
    public bool Readonly { get; set; }
}

/// <summary>One entry of config.json mounts.</summary>
public sealed class Mount
{
    public string? Destination { get; set; }
    public string? Type { get; set; }
    public string? Source { get; set; }
    public List<string>? Options { get; set; }
}

/// <summary>Lifecycle hooks.</summary>
public sealed class Hooks
{
    public List<Hook>? Prestart { get; set; }
    public List<Hook>? CreateRuntime { get; set; }
    public List<Hook>? CreateContainer { get; set; }
    public List<Hook>? StartContainer { get; set; }
    public List<Hook>? Poststart { get; set; }
    public List<Hook>? Poststop { get; set; }
}

/// <summary>One hook command.</summary>
public sealed class Hook
{
    public string? Path { get; set; }
    public List<string>? Args { get; set; }
    public List<string>? Env { get; set; }
    public int? Timeout { get; set; }
}

/// <summary>The linux section of config.json.</summary>
public sealed class Linux
{
    public List<IdMapping>? UidMappings { get; set; }
    public List<IdMapping>? GidMappings { get; set; }
    public Dictionary<string, string>? Sysctl { get; set; }
    public Resources? Resources { get; set; }
    public string? CgroupsPath { get; set; }
    public List<Namespace>? Namespaces { get; set; }
    public List<Device>? Devices { get; set; }
    public Seccomp? Seccomp { get; set; }
    public string? RootfsPropagation { get; set; }
    public List<string>? MaskedPaths { get; set; }
    public List<string>? ReadonlyPaths { get; set; }
    public string? MountLabel { get; set; }
}

/// <summary>A user namespace id mapping range.</summary>
public sealed class IdMapping
{
    [JsonPropertyName("containerID")] public uint ContainerId { get; set; }
    [JsonPropertyName("hostID")] public uint HostId { get; set; }
    public uint Size { get; set; }
}

/// <summary>A namespace to create (no path) or join (path).</summary>
public sealed class Namespace
{
    public string? Type { get; set; }
    public string? Path { get; set; }
}

/// <summary>A device node to create in the container.</summary>
public sealed class Device
{
    public string? Type { get; set; }
    public string? Path { get; set; }
    public long Major { get; set; }
    public long Minor { get; set; }
    public uint? FileMode { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
}

/// <summary>cgroup resource limits.</summary>
public sealed class Resources
{
    public List<DeviceRule>? Devices { get; set; }
    public Memory? Memory { get; set; }
    public Cpu? Cpu { get; set; }
    public Pids? Pids { get; set; }
    public BlockIo? BlockIO { get; set; }
    public Dictionary<string, string>? Unified { get; set; }
}

/// <summary>A device cgroup allow/deny rule.</summary>
public sealed class DeviceRule
{
    public bool Allow { get; set; }
    public string? Type { get; set; }
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public string? Access { get; set; }
}

/// <summary>Memory limits in bytes (-1 = unlimited).</summary>
public sealed class Memory
{
    public long? Limit { get; set; }
    public long? Reservation { get; set; }
    public long? Swap { get; set; }
    public long? Kernel { get; set; }
    [JsonPropertyName("kernelTCP")] public long? KernelTcp { get; set; }
    public ulong? Swappiness { get; set; }
    [JsonPropertyName("disableOOMKiller")] public bool? DisableOomKiller { get; set; }
}

/// <summary>CPU scheduling limits.</summary>
public sealed class Cpu
{
    public ulong? Shares { get; set; }
    public long? Quota { get; set; }
    public ulong? Period { get; set; }
    public long? RealtimeRuntime { get; set; }
    public ulong? RealtimePeriod { get; set; }
    public string? Cpus { get; set; }
    public string? Mems { get; set; }
}

/// <summary>Process count limit.</summary>
public sealed class Pids
{
    public long Limit { get; set; }
}

/// <summary>Block IO weight.</summary>
public sealed class BlockIo
{
    public ushort? Weight { get; set; }
    public ushort? LeafWeight { get; set; }
}

/// <summary>The seccomp profile.</summary>
public sealed class Seccomp
{
    public string? DefaultAction { get; set; }
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Flags { get; set; }
    public string? ListenerPath { get; set; }
    public List<SeccompSyscall>? Syscalls { get; set; }
}

/// <summary>A seccomp rule for a set of syscall names.</summary>
public sealed class SeccompSyscall
{
    public List<string>? Names { get; set; }
    public string? Action { get; set; }
    public uint? ErrnoRet { get; set; }
    public List<SeccompArg>? Args { get; set; }
}

/// <summary>A seccomp argument comparison.</summary>
public sealed class SeccompArg
{
    public uint Index { get; set; }
    public ulong Value { get; set; }
    public ulong ValueTwo { get; set; }
    public string? Op { get; set; }
}
