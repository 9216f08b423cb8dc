using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>Kind of a filesystem change, numbered as docker's /containers/{id}/changes reports it.</summary>
public enum ChangeKind { Modified = 0, Added = 1, Deleted = 2 }

/// <summary>One entry of `docker diff`.</summary>
public sealed record FilesystemChange(string Path, ChangeKind Kind);

/// <summary>What a container changed in its overlay upper dir, as docker's overlay driver reports it (docker diff).</summary>
public static class OverlayChanges
{
    /// <summary>
    /// What a container changed: whiteout devices are deletions, paths that
    /// exist in a lower layer are modifications (directories included), anything else was added. Sorted by path.
    /// </summary>
    public static IReadOnlyList<FilesystemChange> Of(string upperDir, IReadOnlyList<string> lowerDirsTopFirst)
    {
        var changes = new List<FilesystemChange>();
        Walk(upperDir, "", lowerDirsTopFirst, changes, parentOpaque: false);
        return [.. changes.OrderBy(c => c.Path, StringComparer.Ordinal)];
    }

    private static void Walk(string upper, string rel, IReadOnlyList<string> lowers, List<FilesystemChange> changes, bool parentOpaque)
    {
        foreach (var full in Directory.EnumerateFileSystemEntries(rel.Length == 0 ? upper : Path.Combine(upper, rel)))
        {
            var name = Path.GetFileName(full);
            var relPath = rel.Length == 0 ? name : rel + "/" + name;
            var st = FileStatus.Lstat(full);
            if (st.IsWhiteout)
            {
                changes.Add(new FilesystemChange("/" + relPath, ChangeKind.Deleted));
                continue;
            }
            var inLower = !parentOpaque && ExistsInLowers(lowers, relPath);
            changes.Add(new FilesystemChange("/" + relPath, inLower ? ChangeKind.Modified : ChangeKind.Added));
            if (st.Type == FileStatus.S_IFDIR)
            {
                var opaque = ExtendedAttributes.Get(full, "trusted.overlay.opaque") is [(byte)'y'];
                Walk(upper, relPath, lowers, changes, parentOpaque || opaque || !inLower);
            }
        }
    }

    private static bool ExistsInLowers(IReadOnlyList<string> lowers, string relPath)
    {
        var parts = relPath.Split('/');
        foreach (var lower in lowers)
        {
            // Walk down this lower dir: a whiteout hides the path, a non-directory or an opaque directory on the way
            // hides what deeper layers have below it.
            var current = lower;
            var opaqueOnTheWay = false;
            for (var i = 0; i < parts.Length; i++)
            {
                current = Path.Combine(current, parts[i]);
                if (!FileStatus.TryLstat(current, out var st)) break;
                if (st.IsWhiteout) return false;
                if (i == parts.Length - 1) return true;
                if (st.Type != FileStatus.S_IFDIR) return false;
                if (ExtendedAttributes.Get(current, "trusted.overlay.opaque") is [(byte)'y']) opaqueOnTheWay = true;
            }
            if (opaqueOnTheWay) return false;
        }
        return false;
    }
}
