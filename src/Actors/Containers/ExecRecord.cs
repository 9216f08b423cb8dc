using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>Where an exec is in its life: created by the API, prepared in the shim (stdio ready), running, exited.</summary>
public enum ExecPhase { Created, Prepared, Running, Exited }

/// <summary>
/// One docker exec as its container remembers it: in memory like dockerd, for as long as the container's run lasts (its
/// end drops them all); across a daemon restart the shim still lists them and <see cref="ExecSpecFile"/> keeps their spec.
/// </summary>
public sealed record ExecRecord(string Id, string ContainerId, ExecSpec Spec, ExecPhase Phase, int Pid, int? ExitCode)
{
    public static ExecRecord New(string id, string containerId, ExecSpec spec) => new(id, containerId, spec, ExecPhase.Created, 0, null);

    public bool Running => Phase is ExecPhase.Prepared or ExecPhase.Running;

    /// <summary>docker's refusal of a second start (409), or null when this exec may start.</summary>
    public string? StartRefusal => Phase switch
    {
        ExecPhase.Created => null,
        ExecPhase.Exited => $"Error: Exec command {Id} has already run",
        _ => $"Error: Exec command {Id} is already running",
    };

    public ExecRecord Started(int pid) => this with { Phase = ExecPhase.Running, Pid = pid };

    public ExecRecord Exited(int exitCode) => this with { Phase = ExecPhase.Exited, ExitCode = exitCode };

    /// <summary>"echo x" as docker's exec_create / exec_start event actions show the command.</summary>
    public string CommandLine => string.Join(' ', Spec.Cmd ?? []);

    public ExecView View() => new(Id, Running, ExitCode,
        new ExecProcessConfig(Spec.Tty, Spec.Cmd is { Count: > 0 } c ? c[0] : "", Spec.Cmd?.Skip(1).ToList() ?? [], Spec.Privileged,
            Spec.User is { Length: > 0 } u ? u : null),
        Spec.AttachStdin, Spec.AttachStderr, Spec.AttachStdout, false, ContainerId, Spec.DetachKeys, Pid);
}
