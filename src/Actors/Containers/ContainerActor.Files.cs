using Akka.Actor;
using Berth.Actors.Images.Layers;
using Berth.Actors.Protocol;
using Berth.Shim.Client;

namespace Berth.Actors.Containers;

/// <summary>docker diff, export, cp and resize: the container actor owns the rootfs mount, so leases go through it.</summary>
public sealed partial class ContainerActor
{
    private readonly HashSet<Guid> _rootfsLeases = [];

    private void RegisterFileCommands()
    {
        Command<ListContainerChanges>(_ => Sender.Tell(new ContainerChangesListed(
            Directory.Exists(Layout.UpperDir) ? ContainerRootfs.ChangesForApi(Layout) : [])));
        Command<LeaseContainerRootfs>(_ => LeaseRootfs());
        Command<ReleaseContainerRootfs>(r => ReleaseRootfs(r.Lease));
        CommandAsync<ResizeContainer>(Resize);
    }

    private void LeaseRootfs()
    {
        if (_state.Status is ContainerStatus.Removing or ContainerStatus.Dead)
        {
            Sender.Tell(new ContainerError(ContainerErrorKind.Conflict, $"container {_state.Id} is marked for removal and cannot be used"));
            return;
        }
        try { ContainerRootfs.Mount(Layout); }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            Sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"mount the root filesystem of {_state.Id}: {e.Message}"));
            return;
        }
        var lease = Guid.NewGuid();
        _rootfsLeases.Add(lease);
        Sender.Tell(new ContainerRootfsLeased(_state.Id, Def.Name.TrimStart('/'), Layout.MergedDir, lease, Def.Spec.Security.ReadonlyRootfs));
    }

    private void ReleaseRootfs(Guid lease)
    {
        _rootfsLeases.Remove(lease);
        if (_rootfsLeases.Count == 0 && _shim == null && !_state.IsRunning) TryUnmount();
        Sender.Tell(new ContainerDone());
    }

    /// <summary>rm waits for nobody: it is refused while a copy or export holds the rootfs, so they never read a deleted tree.</summary>
    private bool RefuseRemoveWhileLeased(IActorRef sender)
    {
        if (_rootfsLeases.Count == 0) return false;
        sender.Tell(new ContainerError(ContainerErrorKind.Conflict, $"You cannot remove container {_state.Id} while a copy or export is using its filesystem"));
        return true;
    }

    private async Task Resize(ResizeContainer r)
    {
        var sender = Sender;
        if (!_state.IsRunning || ExecShim == null)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Conflict, $"Container {_state.Id} is not running"));
            return;
        }
        // Like containerd's shim, a container without a terminal has nothing to resize, which is not an error.
        if (!Def.Spec.Stdio.Tty) { sender.Tell(new ContainerDone()); return; }
        try
        {
            await ExecShim.ResizeAsync(r.Rows, r.Cols);
            sender.Tell(new ContainerDone());
        }
        catch (Exception e) when (e is ShimException or IOException)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, $"Cannot resize container {_state.Id}: {e.Message}"));
        }
    }
}
