using Akka.Actor;
using Akka.Event;
using Berth.Actors.Protocol;
using Berth.Runtime.Cgroups;

namespace Berth.Actors.Containers;

/// <summary>Operations on a live container: pause/unpause through its cgroup's freezer, top, stats, update and rename.</summary>
public sealed partial class ContainerActor
{
    private void RecoverOps()
    {
        Recover<ContainerPaused>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerUnpaused>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerRenamed>(e => _def = Def with { Name = e.Name });
        Recover<ContainerResourcesUpdated>(e => _def = Def.Updated(e));
    }

    private void HandleOps()
    {
        Command<PauseContainer>(_ => Pause());
        Command<UnpauseContainer>(_ => Unpause());
        Command<ListContainerProcesses>(_ => Top());
        Command<SampleContainerStats>(_ => Sender.Tell(new ContainerStatsSample(_state.Id, Def.Name, DateTimeOffset.UtcNow, ReadUsage())));
        Command<UpdateContainer>(Update);
        Command<ApplyRename>(Rename);
    }

    private ICgroup Cgroup => HostCgroups.Of(Paths);

    private void Pause()
    {
        var sender = Sender;
        var decided = ContainerAggregate.Decide(_life, new LifeCommand.Pause(), DateTimeOffset.UtcNow);
        if (decided.Reply is Decision.Rejected r) { sender.Tell(new ContainerError(r.Kind, r.Message)); return; }
        try { Cgroup.Freeze(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"Cannot pause container {_state.Id}: {e.Message}"));
            return;
        }
        Enact(decided.Events, () =>
        {
            Record("pause");
            Report();
            sender.Tell(new ContainerDone());
        });
    }

    private void Unpause()
    {
        var sender = Sender;
        if (ContainerAggregate.Decide(_life, new LifeCommand.Unpause(), DateTimeOffset.UtcNow).Reply is Decision.Rejected r)
        {
            sender.Tell(new ContainerError(r.Kind, r.Message));
            return;
        }
        try { Thaw(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"Cannot unpause container {_state.Id}: {e.Message}"));
            return;
        }
        sender.Tell(new ContainerDone());
    }

    /// <summary>
    /// A paused container can still be stopped or killed, as with docker: a frozen process cannot act on SIGTERM
    /// (nor, on cgroup v1, even die of SIGKILL), so the cgroup is thawed before such a signal. Other signals
    /// (the CLI's forwarded WINCH) leave it paused.
    /// </summary>
    private void ThawForSignal(int signal, bool stopping)
    {
        if (_state.Status != ContainerStatus.Paused || (signal != 9 && !stopping)) return;
        try { Thaw(); }
        catch (Exception e) when (e is not OutOfMemoryException) { _log.Warning("container {0}: thaw before signal {1}: {2}", _state.Id, signal, e.Message); }
    }

    private void Thaw()
    {
        Cgroup.Thaw();
        Enact(ContainerAggregate.Decide(_life, new LifeCommand.Unpause(), DateTimeOffset.UtcNow).Events, () =>
        {
            Record("unpause");
            Report();
        });
    }

    private void Top()
    {
        if (ContainerAggregate.Decide(_life, new LifeCommand.Observe(), DateTimeOffset.UtcNow).Reply is Decision.Rejected r) { Sender.Tell(new ContainerError(r.Kind, r.Message)); return; }
        try { Sender.Tell(new ContainerProcesses(_state.Id, Cgroup.Processes())); }
        catch (Exception e) when (e is not OutOfMemoryException) { Sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"ps: {e.Message}")); }
    }

    /// <summary>Null when not running: docker reports a stopped container's stats as zeros.</summary>
    private CgroupUsage? ReadUsage()
    {
        if (ContainerAggregate.Decide(_life, new LifeCommand.Observe(), DateTimeOffset.UtcNow).Reply is not Decision.Proceed) return null;
        try { return Cgroup.Usage(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { return null; }
    }

    private void Update(UpdateContainer u)
    {
        var sender = Sender;
        var (merged, error) = ResourceUpdate.Merge(Def.Spec, u.Update, Environment.ProcessorCount);
        if (merged == null) { sender.Tell(new ContainerError(ContainerErrorKind.Invalid, error!)); return; }
        if (_state.IsRunning && ResourceUpdate.ToCgroup(u.Update) is { } resources)
        {
            try { Cgroup.Update(resources); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"Cannot update container {_state.Id}: {e.Message}"));
                return;
            }
        }
        // Persisted so inspect shows it and the next start's bundle is written with it.
        Persist(merged, e =>
        {
            _def = Def.Updated(e);
            Record("update");
            Report();
            sender.Tell(new ContainerUpdated([]));
        });
    }

    private void Rename(ApplyRename a)
    {
        var sender = Sender;
        var oldName = Def.Name;
        Persist(new ContainerRenamed("/" + a.NewName), e =>
        {
            _def = Def with { Name = e.Name };
            Record("rename", ("oldName", oldName));
            Report();
            sender.Tell(new ContainerDone());
        });
    }

    /// <summary>Sent by the containers actor once it has moved the name in its index.</summary>
    public sealed record ApplyRename(string NewName);
}
