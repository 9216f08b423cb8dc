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
    private readonly Dictionary<string, ExecRecord> _execs = new();
    private readonly Dictionary<string, List<IActorRef>> _execWaiters = new();

    /// <summary>Called once from the constructor.</summary>
    private void RegisterExecHandlers()
    {
        Command<CreateExec>(CreateExec);
        CommandAsync<PrepareExecStart>(p => PrepareExec(p.ExecId));
        CommandAsync<BeginExec>(b => BeginExecNow(b.ExecId));
        Command<AwaitExecExit>(a => AwaitExec(a.ExecId));
        Command<InspectExec>(i => Sender.Tell(_execs.TryGetValue(i.ExecId, out var r) ? new ExecInspected(r.View()) : NoSuchExec(i.ExecId)));
        CommandAsync<ResizeExec>(ResizeExecNow);
        Command<ExecExited>(e => ExecEndedWith(e.ExecId, e.ExitCode));
        Command<ExecDetached>(d => Sender.Tell(_execs.ContainsKey(d.ExecId) ? ExecDetachedEvent(d.ExecId) : NoSuchExec(d.ExecId)));
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

    /// <summary>Exec ids of the running execs (container inspect's ExecIDs; null when none, as docker shows it).</summary>
    private IReadOnlyList<string>? RunningExecIds()
    {
        var ids = _execs.Values.Where(e => e.Running).Select(e => e.Id).ToList();
        return ids.Count > 0 ? ids : null;
    }

    /// <summary>The shim of the current run, which runs execs and resizes terminals; null without one.</summary>
    private ShimClient? ExecShim => _shim?.Handle;

    private static ContainerError NoSuchExec(string id) => new(ContainerErrorKind.NotFound, $"No such exec instance: {id}");

    /// <summary>docker's refusal for a container that cannot run an exec now, or null.</summary>
    private string? ExecRefusal() => _state.Status switch
    {
        ContainerStatus.Paused => $"Container {_state.Id} is paused, unpause the container before exec",
        ContainerStatus.Restarting => $"Container {_state.Id} is restarting, wait until the container is running",
        ContainerStatus.Running when ExecShim != null => null,
        _ => $"Container {_state.Id} is not running",
    };

    private void CreateExec(CreateExec c)
    {
        if (ExecRefusal() is { } refusal)
        {
            Sender.Tell(new ContainerError(ContainerErrorKind.Conflict, refusal));
            return;
        }
        if (c.Spec.Cmd is not { Count: > 0 })
        {
            Sender.Tell(new ContainerError(ContainerErrorKind.Invalid, "No exec command specified"));
            return;
        }
        var record = ExecRecord.New(ContainerNames.NewId(), _state.Id, c.Spec);
        AddExec(record);
        Record("exec_create: " + record.CommandLine, ("execID", record.Id));
        Sender.Tell(new ExecCreated(record.Id));
    }

    private void AddExec(ExecRecord record)
    {
        _execs[record.Id] = record;
        Context.Parent.Tell(new ExecRegistered(record.Id, record.ContainerId));
    }

    /// <summary>Hands the shim the process and its stdio; the attach connects before <see cref="BeginExecNow"/> runs it.</summary>
    private async Task PrepareExec(string execId)
    {
        var sender = Sender;
        if (!_execs.TryGetValue(execId, out var record)) { sender.Tell(NoSuchExec(execId)); return; }
        if (record.StartRefusal is { } refused) { sender.Tell(new ContainerError(ContainerErrorKind.Conflict, refused)); return; }
        if (ExecShim == null || ExecRefusal() != null) { sender.Tell(new ContainerError(ContainerErrorKind.Conflict, ExecRefusal() ?? $"Container {_state.Id} is not running")); return; }
        try
        {
            var container = OciJson.LoadSpec(Paths.Dir).Process ?? throw new IOException($"{Paths.ConfigJson} has no process");
            var process = ExecProcessSpec.Build(container, record.Spec, Layout.MergedDir);
            ExecSpecFile.Write(Paths.StateDir, execId, record.Spec);
            await ExecShim.RegisterExecAsync(execId, JsonSerializer.SerializeToElement(process, OciJsonContext.Default.Process), record.Spec.AttachStdin);
        }
        catch (ArgumentException e)
        {
            _execs[execId] = record.Exited(126);
            sender.Tell(new ContainerError(ContainerErrorKind.Invalid, e.Message));
            return;
        }
        catch (Exception e) when (e is IOException or ShimException or System.Net.Sockets.SocketException or Berth.Runtime.Containers.RuntimeError)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"exec {execId}: {e.Message}"));
            return;
        }
        _execs[execId] = record with { Phase = ExecPhase.Prepared };
        var s = record.Spec;
        sender.Tell(new ExecReady(execId, _state.Id, Streams, s.Tty, s.AttachStdin, s.AttachStdout, s.AttachStderr, s.DetachKeys));
    }

    private async Task BeginExecNow(string execId)
    {
        var sender = Sender;
        if (!_execs.TryGetValue(execId, out var record)) { sender.Tell(NoSuchExec(execId)); return; }
        if (record.Phase != ExecPhase.Prepared || ExecShim == null)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Conflict, record.StartRefusal ?? $"Container {_state.Id} is not running"));
            return;
        }
        try
        {
            var state = await ExecShim.StartExecAsync(execId);
            _execs[execId] = record.Started(state.Pid);
            Record("exec_start: " + record.CommandLine, ("execID", execId));
            WatchExec(ExecShim, execId);
            sender.Tell(new ExecBegun(state.Pid, null, null));
        }
        catch (ShimException e)
        {
            // docker's wording: containerd's "OCI runtime exec failed: " around the runtime's message, ": unknown" from gRPC.
            var code = RuntimeErrors.ExitCodeFor(e.Message);
            ExecEndedWith(execId, code);
            sender.Tell(new ExecBegun(0, $"OCI runtime exec failed: {e.Message}: unknown", code,
                code is 126 or 127 ? ContainerErrorKind.Invalid : ContainerErrorKind.Internal));
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            ExecEndedWith(execId, 126);
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"exec {execId}: {e.Message}"));
        }
    }

    private void WatchExec(ShimClient shim, string execId) =>
        // A broken wait means the shim went away with the container, which took the exec with it (SIGKILL).
        shim.WaitExecAsync(execId).PipeTo(Self, success: exit => new ExecExited(execId, exit.ExitCode), failure: _ => new ExecExited(execId, 137));

    private void ExecEndedWith(string execId, int exitCode)
    {
        if (!_execs.TryGetValue(execId, out var record) || record.Phase == ExecPhase.Exited) return;
        _execs[execId] = record.Exited(exitCode);
        if (record.Phase == ExecPhase.Running)
            Record("exec_die", ("execID", execId), ("exitCode", exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (_execWaiters.Remove(execId, out var waiters))
            foreach (var w in waiters) w.Tell(new ExecEnded(exitCode));
    }

    private void AwaitExec(string execId)
    {
        if (!_execs.TryGetValue(execId, out var record)) { Sender.Tell(NoSuchExec(execId)); return; }
        if (record.ExitCode is { } code && record.Phase == ExecPhase.Exited) { Sender.Tell(new ExecEnded(code)); return; }
        if (!_execWaiters.TryGetValue(execId, out var list)) _execWaiters[execId] = list = [];
        list.Add(Sender);
    }

    private async Task ResizeExecNow(ResizeExec r)
    {
        var sender = Sender;
        if (!_execs.TryGetValue(r.ExecId, out var record)) { sender.Tell(NoSuchExec(r.ExecId)); return; }
        if (record.Phase != ExecPhase.Running || ExecShim == null) { sender.Tell(new ContainerError(ContainerErrorKind.Conflict, $"Exec {r.ExecId} is not running")); return; }
        try
        {
            await ExecShim.ResizeExecAsync(r.ExecId, r.Height, r.Width);
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
        foreach (var s in states)
        {
            if (_execs.ContainsKey(s.ExecId)) continue;
            var record = ExecRecord.New(s.ExecId, _state.Id, ExecSpecFile.Read(Paths.StateDir, s.ExecId) ?? SpecFromProcess(s));
            record = s.Status switch
            {
                ShimStatus.Running => record.Started(s.Pid),
                ShimStatus.Stopped => record.Started(s.Pid).Exited(s.Exit?.ExitCode ?? 137),
                _ => record with { Phase = ExecPhase.Prepared },
            };
            AddExec(record);
            if (record.Phase == ExecPhase.Running) WatchExec(shim, s.ExecId);
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

    /// <summary>
    /// The run ended (stop, kill, crash, restart): its execs are dropped, as dockerd's cleanup unregisters a stopped
    /// container's exec configs, so inspecting one is a 404 from now on. Anyone still waiting for an exit hears the
    /// recorded code, or SIGKILL's 137 for a process that went down with the container.
    /// </summary>
    private void ForgetExecs()
    {
        if (_execs.Count == 0) return;
        foreach (var (id, waiters) in _execWaiters)
            foreach (var w in waiters) w.Tell(new ExecEnded(_execs.TryGetValue(id, out var r) && r.ExitCode is { } code ? code : 137));
        _execWaiters.Clear();
        foreach (var id in _execs.Keys) ExecSpecFile.Delete(Paths.StateDir, id);
        Context.Parent.Tell(new ExecsForgotten(_state.Id, [.. _execs.Keys]));
        _execs.Clear();
    }

    private sealed record ExecExited(string ExecId, int ExitCode);
}
