using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker exec: records of extra processes in this container; the processes themselves live in the shim.</summary>
public sealed partial class ContainerActor
{
    /// <summary>Called once from the constructor.</summary>
    private void RegisterExecHandlers()
    {
        Command<CreateExec>(CreateExec);
        CommandAsync<PrepareExecStart>(p => PrepareExec(p.ExecId));
        CommandAsync<BeginExec>(b => BeginExecNow(b.ExecId));
        Command<AwaitExecExit>(a => Answer(Decide(new LifeCommand.AwaitExec(a.ExecId)), Sender));
        Command<InspectExec>(i => Sender.Tell(_life.Execs.TryGetValue(i.ExecId, out var r) ? new ExecInspected(r.View()) : NoSuchExec(i.ExecId)));
        CommandAsync<ResizeExec>(ResizeExecNow);
        Command<ExecExited>(e => Enact(Decide(new LifeCommand.ExecExited(e.ExecId, e.ExitCode)).Events));
        Command<ExecDetached>(d => Sender.Tell(_life.Execs.ContainsKey(d.ExecId) ? ExecDetachedEvent(d.ExecId) : NoSuchExec(d.ExecId)));
        Command<ContainerDetached>(_ =>
        {
            Record("detach");
            Sender.Tell(new ContainerDone());
        });
    }

    private ContainerDone ExecDetachedEvent(string execId)
    {
        Record("exec_detach", ("execID", execId));
        return new ContainerDone();
    }

    /// <summary>The shim of the current run, which runs execs and resizes terminals; null without one.</summary>
    private ShimClient? ExecShim => _shim?.Handle;

    private static ContainerError NoSuchExec(string id) => new(ContainerErrorKind.NotFound, $"No such exec instance: {id}");

    private void CreateExec(CreateExec c)
    {
        var decided = Decide(new LifeCommand.CreateExec(ContainerNames.NewId(), c.Spec, ExecShim != null));
        if (decided.Reply is Decision.Rejected r) { Sender.Tell(new ContainerError(r.Kind, r.Message)); return; }
        Enact(decided.Events);
        Sender.Tell(new ExecCreated(decided.Events.OfType<LifeFact.ExecAdded>().Single().Exec.Id));
    }

    /// <summary>Hands the shim the process and its stdio; the attach connects before <see cref="BeginExecNow"/> runs it.</summary>
    private async Task PrepareExec(string execId)
    {
        var sender = Sender;
        if (Decide(new LifeCommand.PrepareExec(execId, ExecShim != null)).Reply is Decision.Rejected refused)
        {
            sender.Tell(new ContainerError(refused.Kind, refused.Message));
            return;
        }
        var record = _life.Execs[execId];
        try
        {
            var container = OciJson.LoadSpec(Paths.Dir).Process ?? throw new IOException($"{Paths.ConfigJson} has no process");
            var process = ExecProcessSpec.Build(container, record.Spec, Layout.MergedDir);
            ExecSpecFile.Write(Paths.StateDir, execId, record.Spec);
            await ExecShim!.RegisterExecAsync(execId, JsonSerializer.SerializeToElement(process, OciJsonContext.Default.Process), record.Spec.AttachStdin);
        }
        catch (ArgumentException e)
        {
            Enact(Decide(new LifeCommand.ExecExited(execId, 126)).Events);
            sender.Tell(new ContainerError(ContainerErrorKind.Invalid, e.Message));
            return;
        }
        catch (Exception e) when (e is IOException or ShimException or System.Net.Sockets.SocketException or Berth.Runtime.Containers.RuntimeError)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"exec {execId}: {e.Message}"));
            return;
        }
        var prepared = Decide(new LifeCommand.ExecPrepared(execId));
        if (prepared.Reply is Decision.Rejected r) { sender.Tell(new ContainerError(r.Kind, r.Message)); return; }
        Enact(prepared.Events);
        var s = record.Spec;
        sender.Tell(new ExecReady(execId, _state.Id, Streams, s.Tty, s.AttachStdin, s.AttachStdout, s.AttachStderr, s.DetachKeys));
    }

    private async Task BeginExecNow(string execId)
    {
        var sender = Sender;
        if (Decide(new LifeCommand.BeginExec(execId, ExecShim != null)).Reply is Decision.Rejected refused)
        {
            sender.Tell(new ContainerError(refused.Kind, refused.Message));
            return;
        }
        var record = _life.Execs[execId];
        try
        {
            var state = await ExecShim!.StartExecAsync(execId);
            var started = Decide(new LifeCommand.ExecStarted(execId, state.Pid));
            if (started.Reply is Decision.Rejected r) throw new InvalidOperationException(r.Message);
            Enact(started.Events);
            Record("exec_start: " + record.CommandLine, ("execID", execId));
            sender.Tell(new ExecBegun(state.Pid, null, null));
        }
        catch (ShimException e)
        {
            // docker's wording: containerd's "OCI runtime exec failed: " around the runtime's message, ": unknown" from gRPC.
            var code = RuntimeErrors.ExitCodeFor(e.Message);
            Enact(Decide(new LifeCommand.ExecExited(execId, code)).Events);
            sender.Tell(new ExecBegun(0, $"OCI runtime exec failed: {e.Message}: unknown", code,
                code is 126 or 127 ? ContainerErrorKind.Invalid : ContainerErrorKind.Internal));
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            Enact(Decide(new LifeCommand.ExecExited(execId, 126)).Events);
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"exec {execId}: {e.Message}"));
        }
    }

    private void WatchExec(string execId)
    {
        if (ExecShim is not { } shim) return;
        // A broken wait means the shim went away with the container, which took the exec with it (SIGKILL).
        shim.WaitExecAsync(execId).PipeTo(Self, success: exit => new ExecExited(execId, exit.ExitCode), failure: _ => new ExecExited(execId, 137));
    }

    private async Task ResizeExecNow(ResizeExec r)
    {
        var sender = Sender;
        if (Decide(new LifeCommand.ResizeExec(r.ExecId, ExecShim != null)).Reply is Decision.Rejected refused)
        {
            sender.Tell(new ContainerError(refused.Kind, refused.Message));
            return;
        }
        try
        {
            await ExecShim!.ResizeExecAsync(r.ExecId, r.Height, r.Width);
            sender.Tell(new ContainerDone());
        }
        catch (Exception e) when (e is ShimException or IOException)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"exec {r.ExecId}: {e.Message}"));
        }
    }

    /// <summary>Live restore: the shim still knows the execs it runs (or ran), so records and exit watchers come back.</summary>
    private async Task RestoreExecs(ShimClient shim)
    {
        IReadOnlyList<ExecState> states;
        try { states = await shim.ListExecsAsync(); }
        catch (Exception e) when (e is ShimException or IOException)
        {
            _log.Info("container {0}: cannot list its execs: {1}", _state.Id, e.Message);
            return;
        }
        var records = states.Select(s =>
        {
            var record = ExecRecord.New(s.ExecId, _state.Id, ExecSpecFile.Read(Paths.StateDir, s.ExecId) ?? SpecFromProcess(s));
            return s.Status switch
            {
                ShimStatus.Running => record.Started(s.Pid),
                ShimStatus.Stopped => record.Started(s.Pid).Exited(s.Exit?.ExitCode ?? 137),
                _ => record with { Phase = ExecPhase.Prepared },
            };
        }).ToList();
        Enact(Decide(new LifeCommand.RestoreExecs(records)).Events);
    }

    /// <summary>Performs the exec effects of an applied event; false for an effect that is not about execs.</summary>
    private bool PerformExec(LifeEffect effect)
    {
        switch (effect)
        {
            case LifeEffect.RegisterExec r: Context.Parent.Tell(new ExecRegistered(r.ExecId, _state.Id)); return true;
            case LifeEffect.WatchExec w: WatchExec(w.ExecId); return true;
            case LifeEffect.ForgetExecs f:
                foreach (var id in f.ExecIds) ExecSpecFile.Delete(Paths.StateDir, id);
                Context.Parent.Tell(new ExecsForgotten(_state.Id, f.ExecIds));
                return true;
            default: return false;
        }
    }

    /// <summary>For an exec without its spec file: what the shim's OCI process tells (the user only as numbers).</summary>
    private static ExecSpec SpecFromProcess(ExecState s)
    {
        var process = s.Process.Deserialize(OciJsonContext.Default.Process);
        return new ExecSpec
        {
            Cmd = process?.Args ?? [],
            Tty = s.Terminal,
            User = process?.User is { Uid: > 0 } or { Gid: > 0 } ? $"{process.User.Uid}:{process.User.Gid}" : "",
            WorkingDir = process?.Cwd ?? "",
        };
    }

    private sealed record ExecExited(string ExecId, int ExitCode);
}
