using Akka.Actor;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>The containers actor owns the names: rename, docker's name-conflict message, and ambiguous id prefixes.</summary>
public sealed partial class ContainersActor
{
    private void ReplayRename(object e)
    {
        if (e is not ContainerIndexRenamed r) return;
        _names.Remove(r.OldName);
        _names[r.NewName] = r.Id;
    }

    private void HandleRename() => ReceiveAsync<RenameContainer>(Rename);

    /// <summary>docker's 409 for a name another container holds.</summary>
    public static string NameInUse(string name, string holder) =>
        $"Conflict. The container name \"/{name}\" is already in use by container \"{holder}\". You have to remove (or rename) that container to be able to reuse that name.";

    /// <summary>More than one id starts with the reference (and it is neither an id nor a name): docker's 400.</summary>
    private ContainerError? Ambiguous(string reference) =>
        !string.IsNullOrEmpty(reference) && _children.Keys.Count(k => k.StartsWith(reference, StringComparison.Ordinal)) > 1
            ? new ContainerError(ContainerErrorKind.Invalid, $"multiple IDs found with provided prefix: {reference}")
            : null;

    private async Task Rename(RenameContainer r)
    {
        var sender = Sender;
        if (Resolve(r.Ref) is not { } id)
        {
            sender.Tell(Ambiguous(r.Ref) ?? new ContainerError(ContainerErrorKind.NotFound, $"No such container: {r.Ref}"));
            return;
        }
        var newName = r.NewName.TrimStart('/');
        if (string.IsNullOrEmpty(newName)) { sender.Tell(new ContainerError(ContainerErrorKind.Invalid, "Neither old nor new names may be empty")); return; }
        if (!ContainerNames.IsValid(r.NewName))
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Invalid, $"Invalid container name ({r.NewName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
            return;
        }
        var oldName = _names.FirstOrDefault(kv => kv.Value == id).Key ?? "";
        if (oldName == newName) { sender.Tell(new ContainerError(ContainerErrorKind.Invalid, "Renaming a container with the same name as its current name")); return; }
        if (HolderOf(newName) is { } holder) { sender.Tell(new ContainerError(ContainerErrorKind.Conflict, NameInUse(newName, holder))); return; }
        if (await Store(new ContainerIndexRenamed(id, oldName, newName)) is { } failed)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, StorageFault.Describe(failed)));
            return;
        }
        _names.Remove(oldName);
        _names[newName] = id;
        Child(id).Tell(new ContainerActor.ApplyRename(newName), sender);
    }
}
