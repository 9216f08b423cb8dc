using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>A message the containers actor (or one container) answers.</summary>
public interface IContainerCommand;

/// <summary>A container is named by full id, unique id prefix, or name (with or without the leading '/').</summary>
public interface IContainerTargeted : IContainerCommand
{
    string Ref { get; }
}

/// <summary>Create a container from the spec (merged with its image's config); Name may be null (a random name is chosen).</summary>
[Manifest("container.create.v2")]
public sealed record CreateContainer(string? Name, ContainerSpec Spec) : IContainerCommand, IBerthMessage;

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

/// <summary>Everything docker's inspect and ps show of one container: Image is the image's id, Runtime the one it runs under.</summary>
public sealed record ContainerView(
    string Id, string Name, DateTimeOffset Created, string Image, ContainerSpec Spec, string Runtime,
    string Path, IReadOnlyList<string> Args, ContainerStatusView State, string LogPath)
{
    /// <summary>The image reference the container was created from.</summary>
    public string ImageName => Spec.Image;

    /// <summary>Ids of the container's running execs; null when there are none (docker's ExecIDs).</summary>
    public IReadOnlyList<string>? ExecIDs { get; init; }
}

/// <summary>docker's State object.</summary>
public sealed partial record ContainerStatusView(
    string Status, bool Running, bool Paused, bool Restarting, bool OOMKilled, bool Dead, int Pid, int ExitCode, string Error,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
