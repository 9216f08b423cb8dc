using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>GET /containers/{id}/changes: what the container changed in its writable layer.</summary>
[Manifest("container.list-changes.v1")]
public sealed record ListContainerChanges(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>The answer to <see cref="ListContainerChanges"/>, sorted by path like docker's.</summary>
[Manifest("container.changes-listed.v1")]
public sealed record ContainerChangesListed(IReadOnlyList<ContainerChange> Changes) : IBerthMessage;

/// <summary>
/// Asks a container to keep its root filesystem mounted while export or cp reads or writes it; a stopped container's
/// rootfs is mounted for the lease. Start, exit and rm are coordinated by the container actor, so nothing unmounts under it.
/// </summary>
[Manifest("container.lease-rootfs.v1")]
public sealed record LeaseContainerRootfs(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>A granted lease: <paramref name="RootDir"/> is the mounted rootfs until <see cref="ReleaseContainerRootfs"/>.</summary>
[Manifest("container.rootfs-leased.v1")]
public sealed record ContainerRootfsLeased(string Id, string Name, string RootDir, Guid Lease, bool ReadonlyRootfs) : IBerthMessage;

/// <summary>Ends a lease; the last one out unmounts the rootfs of a container that is not running.</summary>
[Manifest("container.release-rootfs.v1")]
public sealed record ReleaseContainerRootfs(string Ref, Guid Lease) : IContainerTargeted, IBerthMessage;

/// <summary>POST /containers/{id}/resize: the terminal size of a TTY container.</summary>
[Manifest("container.resize.v1")]
public sealed record ResizeContainer(string Ref, int Rows, int Cols) : IContainerTargeted, IBerthMessage;
