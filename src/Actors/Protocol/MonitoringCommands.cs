using Berth.Runtime.Cgroups;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>GET /containers/{id}/top: the host pids of the container's processes.</summary>
[Manifest("container.top.v1")]
public sealed record ListContainerProcesses(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>The host pids of a running container's processes.</summary>
[Manifest("container.processes.v1")]
public sealed record ContainerProcesses(string Id, IReadOnlyList<int> Pids) : IBerthMessage;

/// <summary>ps -s and /system/df: the size of each container's writable layer (docker's SizeRw), by full id.</summary>
[Manifest("containers.measure.v1")]
public sealed record MeasureContainers(IReadOnlyList<string> Ids) : IBerthMessage;

/// <summary>SizeRw by container id; a container without a writable layer (yet, or any more) measures 0.</summary>
[Manifest("containers.measured.v1")]
public sealed record ContainersMeasured(IReadOnlyDictionary<string, long> SizeRw) : IBerthMessage;

/// <summary>GET /containers/{id}/stats: one reading of the container's cgroup.</summary>
[Manifest("container.stats.v1")]
public sealed record SampleContainerStats(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>One reading; Usage is null when the container is not running.</summary>
[Manifest("container.stats-sampled.v1")]
public sealed record ContainerStatsSample(string Id, string Name, DateTimeOffset Read, CgroupUsage? Usage) : IBerthMessage;
