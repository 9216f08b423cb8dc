using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>A request about one exec, named by its full 64-hex id (docker matches exec ids exactly).</summary>
public interface IExecTargeted : IContainerCommand
{
    string ExecId { get; }
}

/// <summary>docker's ExecConfig (the POST /containers/{id}/exec body); unknown fields are ignored.</summary>
public sealed record ExecSpec
{
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    /// <summary>"uid[:gid]" or "name[:group]" (names resolved from the container's /etc/passwd and /etc/group).</summary>
    public string User { get; init; } = "";
    public string WorkingDir { get; init; } = "";
    public bool Privileged { get; init; }
    public bool Tty { get; init; }
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; }
    public bool AttachStderr { get; init; }
    public bool Detach { get; init; }
    public string DetachKeys { get; init; } = "";
}

/// <summary>POST /containers/{id}/exec: 201 with the new id, 409 when the container is not running.</summary>
[Manifest("exec.create.v1")]
public sealed record CreateExec(string Ref, ExecSpec Spec) : IContainerTargeted, IBerthMessage;

[Manifest("exec.created.v1")]
public sealed record ExecCreated(string Id) : IBerthMessage;

/// <summary>Told to the containers actor so that exec ids route to their container.</summary>
[Manifest("exec.registered.v1")]
public sealed record ExecRegistered(string ExecId, string ContainerId) : IBerthMessage;

/// <summary>A container has registered all its execs (after a restart: those its shim still knows).</summary>
[Manifest("execs.restored.v1")]
public sealed record ExecsRestored(string ContainerId) : IBerthMessage;

/// <summary>
/// First half of POST /exec/{id}/start: the shim gets the process and its stdio (nothing runs yet), so an attach misses
/// no output. Node-local: its answer (<see cref="ExecReady"/>) holds the exec's open streams.
/// </summary>
public sealed record PrepareExecStart(string ExecId) : IExecTargeted, Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>Where and how to attach to a prepared exec; DetachKeys as the exec was created with them ("" for the default). Node-local (stream handles).</summary>
public sealed record ExecReady(string ExecId, string ContainerId, Containers.Handles.ContainerStreams Streams, bool Tty, bool AttachStdin, bool AttachStdout,
    bool AttachStderr, string DetachKeys) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>Second half of start: `runtime exec`. The reply says whether the process runs, or the runtime's message.</summary>
[Manifest("exec.begin.v1")]
public sealed record BeginExec(string ExecId) : IExecTargeted, IBerthMessage;

/// <summary>
/// Pid once running; Error (docker's "OCI runtime exec failed: …" text) when it never ran, with ExitCode 126/127 and
/// ErrorKind (Invalid for a command that cannot be executed, Internal otherwise).
/// </summary>
[Manifest("exec.begun.v1")]
public sealed record ExecBegun(int Pid, string? Error, int? ExitCode, ContainerErrorKind ErrorKind = ContainerErrorKind.Internal) : IBerthMessage;

/// <summary>Answers once the exec's exit is recorded (so an inspect right after shows the exit code).</summary>
[Manifest("exec.await-exit.v1")]
public sealed record AwaitExecExit(string ExecId) : IExecTargeted, IBerthMessage;

[Manifest("exec.ended.v1")]
public sealed record ExecEnded(int ExitCode) : IBerthMessage;

/// <summary>GET /exec/{id}/json.</summary>
[Manifest("exec.inspect.v1")]
public sealed record InspectExec(string ExecId) : IExecTargeted, IBerthMessage;

[Manifest("exec.inspected.v1")]
public sealed record ExecInspected(ExecView View) : IBerthMessage;

/// <summary>POST /exec/{id}/resize?h=&amp;w=.</summary>
[Manifest("exec.resize.v1")]
public sealed record ResizeExec(string ExecId, int Height, int Width) : IExecTargeted, IBerthMessage;

/// <summary>docker's ExecInspect; ExitCode is null until the exec has ended.</summary>
public sealed record ExecView(
    string ID, bool Running, int? ExitCode, ExecProcessConfig ProcessConfig, bool OpenStdin, bool OpenStderr, bool OpenStdout,
    bool CanRemove, string ContainerID, string DetachKeys, int Pid);

/// <summary>docker's ProcessConfig inside ExecInspect (lower-case names on the wire; user only when set).</summary>
public sealed record ExecProcessConfig(bool Tty, string Entrypoint, IReadOnlyList<string> Arguments, bool Privileged, string? User);

/// <summary>A client typed the exec's detach keys: the stream ended, the process runs on (dockerd's exec_detach event). Answered with ContainerDone.</summary>
[Manifest("exec.detached.v1")]
public sealed record ExecDetached(string ExecId) : IExecTargeted, IBerthMessage;

/// <summary>A client typed the detach keys on a container attach (dockerd's detach event). Answered with ContainerDone.</summary>
[Manifest("container.detached.v1")]
public sealed record ContainerDetached(string Ref) : IContainerTargeted, IBerthMessage;

/// <summary>Told to the containers actor when a container dropped exec records (its run ended), so their ids route nowhere.</summary>
[Manifest("execs.forgotten.v1")]
public sealed record ExecsForgotten(string ContainerId, IReadOnlyList<string> ExecIds) : IBerthMessage;
