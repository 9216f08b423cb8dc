using Berth.Actors.Images.Content;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>
/// Unpacked layers under &lt;data-root&gt;/snapshots/&lt;chainid-hex&gt;/fs, one per chainID, shared by every image
/// that stacks the same layers. A layer is unpacked into snapshots/.tmp-* and renamed into place only when complete,
/// so a failed or interrupted unpack leaves nothing under its chainID.
/// </summary>
public sealed class SnapshotStore
{
    private const string TempPrefix = ".tmp-";
    private const string TrashPrefix = ".trash-";

    private SnapshotStore(string root) { Root = root; }

    public string Root { get; }

    /// <summary>Opens (creating if needed) &lt;dataRoot&gt;/snapshots and deletes leftovers of interrupted unpacks and deletions.</summary>
    public static SnapshotStore Open(string dataRoot)
    {
        var store = new SnapshotStore(RootUnder(dataRoot));
        // Private like dockerd's overlay2/ (older berthds made it 0755): the layers' own modes are for inside containers.
        ExactMode.Directory(store.Root, ExactMode.Dir0700);
        foreach (var dir in Directory.EnumerateDirectories(store.Root))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal) || name.StartsWith(TrashPrefix, StringComparison.Ordinal))
                Directory.Delete(dir, recursive: true);
        }
        return store;
    }

    public string DirOf(Digest chainId) => Path.Combine(Root, chainId.Hex);

    /// <summary>The overlay lower dir for this chainID.</summary>
    public string FsOf(Digest chainId) => FsOf(Root, chainId);

    /// <summary>Where the snapshots of a data root live.</summary>
    public static string RootUnder(string dataRoot) => Path.Combine(dataRoot, "snapshots");

    /// <summary>The overlay lower dir for this chainID in the snapshot store at <paramref name="root"/>.</summary>
    public static string FsOf(string root, Digest chainId) => Path.Combine(root, chainId.Hex, "fs");

    /// <summary>Overlay lower dirs (top layer first, as lowerdir wants) of snapshots given base first, in the store at <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> LowerDirsOf(string root, IEnumerable<Digest> chainIds) => [.. chainIds.Reverse().Select(c => FsOf(root, c))];

    public bool Exists(Digest chainId) => File.Exists(Path.Combine(DirOf(chainId), "size"));

    /// <summary>Content size of this one layer (not the chain), as docker's DiffSize.</summary>
    public long SizeOf(Digest chainId) => long.Parse(File.ReadAllText(Path.Combine(DirOf(chainId), "size")));

    public IEnumerable<Digest> List()
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
            if (Digest.TryParse("sha256:" + Path.GetFileName(dir), out var d) && Exists(d)) yield return d;
    }

    /// <summary>
    /// Unpacks an uncompressed layer tar as <paramref name="chainId"/> unless it already exists. Returns true when this
    /// call did the unpacking. <paramref name="verify"/> runs after the tar was consumed and before the rename, so a
    /// digest check that throws leaves no snapshot behind.
    /// </summary>
    public bool Ensure(Digest chainId, Stream uncompressedTar, Action? verify = null)
    {
        if (Exists(chainId)) return false;
        Unpack(uncompressedTar, () => chainId, verify);
        return true;
    }

    /// <summary>
    /// Unpacks a layer whose chainID is only known once its tar was read (the diffID is its hash): unpack into a temp
    /// dir, run <paramref name="verify"/>, ask for the chainID, rename into place (or discard when another unpack won).
    /// </summary>
    public Digest Unpack(Stream uncompressedTar, Func<Digest> chainIdOnceRead, Action? verify = null)
    {
        var temp = Path.Combine(Root, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(temp);
            // A layer without a "./" entry keeps docker's 0755 root (its diff dir's).
            ExactMode.CreateDirectories(Path.Combine(temp, "fs"), ExactMode.Dir0755);
            var result = LayerUnpacker.Unpack(uncompressedTar, Path.Combine(temp, "fs"));
            verify?.Invoke();
            var chainId = chainIdOnceRead();
            if (Exists(chainId)) return chainId;
            File.WriteAllText(Path.Combine(temp, "size"), result.Size.ToString());
            // A dir without "size" is a leftover of an interrupted unpack; a complete one is never touched.
            if (Directory.Exists(DirOf(chainId)) && !Exists(chainId) && Retire(chainId) is { } stale) Directory.Delete(stale, recursive: true);
            try
            {
                Directory.Move(temp, DirOf(chainId));
                temp = null;
            }
            catch (IOException) when (Exists(chainId))
            {
                return chainId;   // a concurrent unpack of the same layer got there first; ours is discarded
            }
            Fd.FsyncDirectory(Root);
            return chainId;
        }
        finally
        {
            if (temp != null && Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Removes a snapshot: renamed out of the namespace first (atomic), then deleted.</summary>
    public void Delete(Digest chainId)
    {
        if (Retire(chainId) is { } trash) Directory.Delete(trash, recursive: true);
    }

    /// <summary>Renames a snapshot out of its chainID (fast and atomic) and returns the trash dir to delete at leisure.</summary>
    public string? Retire(Digest chainId)
    {
        if (!Directory.Exists(DirOf(chainId))) return null;
        var trash = Path.Combine(Root, TrashPrefix + Guid.NewGuid().ToString("N"));
        Directory.Move(DirOf(chainId), trash);
        return trash;
    }
}
