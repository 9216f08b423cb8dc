using Akka.Actor;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>The containers actor's share of the operations: rename (it owns the names), prune, and ambiguous id prefixes.</summary>
public sealed partial class ContainersActor
{
    private static readonly TimeSpan PruneRemoveTimeout = TimeSpan.FromMinutes(2);

    private void ReplayOps(object e)
    {
        if (e is not ContainerIndexRenamed r) return;
        _names.Remove(r.OldName);
        _names[r.NewName] = r.Id;
    }

    private void HandleOps()
    {
        ReceiveAsync<RenameContainer>(Rename);
        Receive<PruneContainers>(Prune);
    }

    /// <summary>docker's 409 for a name another container holds.</summary>
    public static string NameInUse(string name, string holder) =>
        $"Conflict. The container name \"/{name}\" is already in use by container \"{holder}\". You have to remove (or rename) that container to be able to reuse that name.";

    /// <summary>More than one id starts with the reference (and it is neither an id nor a name): docker's 400.</summary>
    private ContainerError? Ambiguous(string reference) =>
        !string.IsNullOrEmpty(reference) && _children.Keys.Count(k => k.StartsWith(reference, StringComparison.Ordinal)) > 1
            ? new ContainerError(400, $"multiple IDs found with provided prefix: {reference}")
            : null;

    private async Task Rename(RenameContainer r)
    {
        var sender = Sender;
        if (Resolve(r.Ref) is not { } id)
        {
            sender.Tell(Ambiguous(r.Ref) ?? new ContainerError(404, $"No such container: {r.Ref}"));
            return;
        }
        var newName = r.NewName.TrimStart('/');
        if (string.IsNullOrEmpty(newName)) { sender.Tell(new ContainerError(400, "Neither old nor new names may be empty")); return; }
        if (!ContainerNames.IsValid(r.NewName))
        {
            sender.Tell(new ContainerError(400, $"Invalid container name ({r.NewName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
            return;
        }
        var oldName = _names.FirstOrDefault(kv => kv.Value == id).Key ?? "";
        if (oldName == newName) { sender.Tell(new ContainerError(400, "Renaming a container with the same name as its current name")); return; }
        if (_names.TryGetValue(newName, out var holder)) { sender.Tell(new ContainerError(409, NameInUse(newName, holder))); return; }
        if (await Store(new ContainerIndexRenamed(id, oldName, newName)) is { } failed)
        {
            sender.Tell(new ContainerError(500, StorageFault.Describe(failed)));
            return;
        }
        _names.Remove(oldName);
        _names[newName] = id;
        Child(id).Tell(new ContainerActor.ApplyRename(newName), sender);
    }

    /// <summary>
    /// Removes the matching stopped containers. The removals run off the actor: each container asks this actor to
    /// forget it before it answers, so waiting for them here would deadlock.
    /// </summary>
    private void Prune(PruneContainers p)
    {
        if (AwaitViews(p)) return;
        var victims = _views.Values.Where(v => PruneSelection.Matches(v, p))
            .Select(v => (v.Id, Child: Child(v.Id), Size: ContainerDiskUsage.SizeRw(_settings.PathsOf(v.Id)))).ToList();
        var events = _events;
        Run().PipeTo(Sender);

        async Task<ContainersPruned> Run()
        {
            var removed = await Task.WhenAll(victims.Select(async v =>
                await v.Child.Ask<object>(new RemoveContainer(v.Id, false), PruneRemoveTimeout) is ContainerDone ? v : default));
            var deleted = removed.Where(v => v.Id != null).ToList();
            var reclaimed = deleted.Sum(v => v.Size);
            events.Record("container", "prune", "", new Dictionary<string, string> { ["reclaimed"] = reclaimed.ToString() });
            return new ContainersPruned(deleted.Select(v => v.Id).ToList(), reclaimed);
        }
    }
}
