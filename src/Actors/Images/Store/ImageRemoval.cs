using Berth.Actors.Images.Content;
using Berth.Actors.Images.References;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Store;

/// <summary>An image event to publish (action, image ID, the "name" attribute).</summary>
public sealed record ImageEventRecord(string Action, string Id, string Name);

/// <summary>The outcome of an rmi or prune decision: the new index, docker's response lines, events, and what to delete.</summary>
public sealed record RemovalResult(ImageIndex Index, IReadOnlyList<ImageDeleteResponseItem> Items, IReadOnlyList<ImageEventRecord> Events, Garbage Garbage);

/// <summary>
/// The rules of DELETE /images/{name} as dockerd 20.10 applies them (daemon/images/image_delete.go), with no I/O:
/// untag by name, conflicts with containers (running: hard; stopped: soft, overridden by force), dependent child
/// images, "referenced in multiple repositories", and pruning of untagged parents unless noprune.
/// </summary>
public sealed class ImageRemoval(IReadOnlyList<ContainerImageUse> containers)
{
    private ImageIndex _index = ImageIndex.Empty;   // the index as this decision has changed it so far
    private readonly List<ImageDeleteResponseItem> _items = [];
    private readonly List<ImageEventRecord> _events = [];
    private readonly List<ImageRecord> _removed = [];

    [Flags]
    private enum Conflict { DependentChild = 1, RunningContainer = 2, ActiveReference = 4, StoppedContainer = 8, Hard = 3, Soft = 12 }

    public RemovalResult Remove(ImageIndex index, string refOrId, bool force, bool prune)
    {
        _index = index;
        var image = index.Resolve(refOrId);
        var id = image.Id;
        var repoRefs = index.ReferencesOf(id).ToList();
        var removedRepositoryRef = false;

        if (!IsIdPrefix(id, refOrId))
        {
            if (!force && IsSingleReference(repoRefs) && containers.FirstOrDefault(c => c.ImageId == id.ToString()) is { } user)
                throw new ImageOperationException(ImageErrorKind.Conflict,
                    $"conflict: unable to remove repository reference \"{refOrId}\" (must force) - container {Short(user.ContainerId)} is using its referenced image {id.Short}");

            var parsed = ImageReference.Parse(refOrId);
            var removedRef = RemoveRef(parsed.IsCanonical ? parsed : parsed.WithDefaultTag(), id);
            repoRefs = _index.ReferencesOf(id).ToList();
            if (!removedRef.IsCanonical && !repoRefs.Any(r => !r.IsCanonical && r.Name == removedRef.Name))
            {
                // The last tag of this repository went away: its digest references go with it.
                foreach (var canonical in repoRefs.Where(r => r.IsCanonical && r.Name == removedRef.Name).ToList())
                {
                    RemoveRef(canonical, id);
                    repoRefs.Remove(canonical);
                }
            }
            if (repoRefs.Count > 0) return Result();
            removedRepositoryRef = true;
        }
        else if (IsSingleReference(repoRefs))
        {
            var mask = Conflict.Hard | (force ? 0 : Conflict.Soft & ~Conflict.ActiveReference);
            if (CheckConflict(id, mask) is { } conflict) throw conflict.Exception;
            foreach (var r in repoRefs) RemoveRef(r, id);
        }

        DeleteHelper(id, force, prune, quiet: removedRepositoryRef);
        return Result();
    }

    /// <summary>Removes an image for prune: conflicts are skipped silently instead of failing.</summary>
    public RemovalResult? TryRemoveForPrune(ImageIndex index, string refOrId)
    {
        try { return Remove(index, refOrId, force: false, prune: true); }
        catch (ImageOperationException e) when (e.Kind is ImageErrorKind.Conflict or ImageErrorKind.NotFound) { return null; }
    }

    private RemovalResult Result()
    {
        var (next, garbage) = ImageGarbage.Collect(_index, _removed, containers);
        var items = new List<ImageDeleteResponseItem>();
        foreach (var item in _items)
        {
            items.Add(item);
            // dockerd lists the released layers (chainIDs, top first) right after the image they belonged to.
            if (item.Deleted is { } deleted && _removed.FirstOrDefault(r => r.Id.ToString() == deleted) is { } image)
                items.AddRange(image.ChainIds.Reverse().Where(garbage.ChainIds.Contains).Select(c => ImageDeleteResponseItem.DeletedId(c.ToString())));
        }
        return new RemovalResult(next, items, [.. _events], garbage);
    }

    private ImageReference RemoveRef(ImageReference reference, Digest id)
    {
        _index = _index.Untag(reference);
        _items.Add(ImageDeleteResponseItem.UntaggedRef(reference.Familiar));
        _events.Add(new ImageEventRecord("untag", id.ToString(), id.ToString()));
        return reference;
    }

    private void DeleteHelper(Digest id, bool force, bool prune, bool quiet)
    {
        var mask = Conflict.Hard | (force ? 0 : Conflict.Soft);
        if (CheckConflict(id, mask) is { } conflict)
        {
            if (quiet && (!_index.IsDangling(id) || conflict.Used)) return;
            throw conflict.Exception;
        }
        var image = _index.Get(id)!;
        foreach (var r in _index.ReferencesOf(id)) RemoveRef(r, id);
        _index = _index.RemoveImage(id);
        _removed.Add(image);
        _events.Add(new ImageEventRecord("delete", id.ToString(), id.ToString()));
        _items.Add(ImageDeleteResponseItem.DeletedId(id.ToString()));
        if (!prune || image.Parent is not { } parent || _index.Get(parent) is null) return;
        DeleteHelper(parent, force: false, prune: true, quiet: true);
    }

    private sealed record ConflictInfo(ImageOperationException Exception, bool Used);

    private ConflictInfo? CheckConflict(Digest id, Conflict mask)
    {
        ConflictInfo Make(bool hard, bool used, string message) => new(new ImageOperationException(ImageErrorKind.Conflict,
            $"conflict: unable to delete {id.Short} ({(hard ? "cannot be forced" : "must be forced")}) - {message}"), used);

        if (mask.HasFlag(Conflict.DependentChild) && _index.Children(id).Count > 0)
            return Make(true, false, "image has dependent child images");
        if (mask.HasFlag(Conflict.RunningContainer) && containers.FirstOrDefault(c => c.Running && c.ImageId == id.ToString()) is { } running)
            return Make(true, true, $"image is being used by running container {Short(running.ContainerId)}");
        if (mask.HasFlag(Conflict.ActiveReference) && _index.ReferencesOf(id).Count > 0)
            return Make(false, false, "image is referenced in multiple repositories");
        if (mask.HasFlag(Conflict.StoppedContainer) && containers.FirstOrDefault(c => !c.Running && c.ImageId == id.ToString()) is { } stopped)
            return Make(false, true, $"image is being used by stopped container {Short(stopped.ContainerId)}");
        return null;
    }

    /// <summary>True when the user named the image by (a prefix of) its ID rather than by a reference.</summary>
    private static bool IsIdPrefix(Digest id, string text)
    {
        var hex = text.StartsWith("sha256:", StringComparison.Ordinal) ? text[7..] : text;
        return hex.Length > 0 && id.Hex.StartsWith(hex, StringComparison.Ordinal) && (text.StartsWith("sha256:", StringComparison.Ordinal) || hex.All(char.IsAsciiHexDigitLower));
    }

    /// <summary>At most one tag, and every reference within that one repository (dockerd's isSingleReference).</summary>
    private static bool IsSingleReference(IReadOnlyList<ImageReference> refs)
    {
        if (refs.Count <= 1) return refs.Count == 1;
        ImageReference? single = null;
        var names = new HashSet<string>();
        foreach (var r in refs)
        {
            if (r.IsCanonical) names.Add(r.Name);
            else if (single is null) { names.Add(r.Name); single = r; }
            else return false;
        }
        single ??= refs[0];
        return names.Count == 1 && names.Contains(single.Name);
    }

    private static string Short(string containerId) => containerId.Length > 12 ? containerId[..12] : containerId;
}
