using Berth.Runtime.Mounts;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Layers;

/// <summary>Where a container's root filesystem lives: the image snapshots (top first) plus its own upper and work dirs.</summary>
public sealed record RootfsLayout(IReadOnlyList<string> LowerDirs, string UpperDir, string WorkDir, string MergedDir);

/// <summary>
/// A container's root filesystem under &lt;data-root&gt;/containers/&lt;id&gt;/rootfs: overlay of the image snapshots
/// plus the container's own upper and work dirs. What the container actor calls at create, start, diff, export and rm.
/// </summary>
public static class ContainerRootfs
{
    /// <summary>
    /// The layout for a container: its init layer on top of the image's lower dirs (<c>ImageResolved.LowerDirs</c>, top
    /// first). Like docker's "-init" layer it holds the mount points berthd always binds (/etc/hosts, /etc/hostname,
    /// /etc/resolv.conf), so they never show up as the container's own changes (diff, commit).
    /// </summary>
    public static RootfsLayout Layout(string containerDir, IReadOnlyList<string> lowerDirsTopFirst) => new(
        [Path.Combine(containerDir, "rootfs", "init"), .. lowerDirsTopFirst],
        Path.Combine(containerDir, "rootfs", "upper"),
        Path.Combine(containerDir, "rootfs", "work"),
        Path.Combine(containerDir, "rootfs", "merged"));

    /// <summary>Mounts the merged view (idempotent: an existing mount of the same dir is left as it is).</summary>
    public static void Mount(RootfsLayout layout)
    {
        if (IsMounted(layout.MergedDir)) return;
        EnsureInitLayer(layout);
        MountOverlay(layout);
    }

    private static readonly string[] InitFiles = ["etc/hostname", "etc/hosts", "etc/resolv.conf"];

    /// <summary>
    /// Writes the init layer once (empty mount-point files; the real ones are bind-mounted over them). Its /etc is the
    /// container's /etc (the topmost lower dir that has it), so the modes are exact: 0755 dirs, 0644 files.
    /// </summary>
    private static void EnsureInitLayer(RootfsLayout layout)
    {
        var init = layout.LowerDirs[0];
        if (Directory.Exists(init)) return;
        var rootfs = Path.GetDirectoryName(init)!;
        if (!Directory.Exists(rootfs)) Directory.CreateDirectory(rootfs, ExactMode.Dir0700);
        var tmp = init + ".tmp";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        ExactMode.CreateDirectories(tmp, ExactMode.Dir0755);
        foreach (var file in InitFiles)
        {
            var path = Path.Combine(tmp, file);
            ExactMode.CreateDirectories(Path.GetDirectoryName(path)!, ExactMode.Dir0755);
            ExactMode.WriteFile(path, [], ExactMode.File0644);
        }
        Directory.Move(tmp, init);
    }

    public static void Unmount(RootfsLayout layout) => OverlayMount.Unmount(layout.MergedDir);

    /// <summary>GET /containers/{id}/changes.</summary>
    public static IReadOnlyList<FilesystemChange> Changes(RootfsLayout layout) => OverlayChanges.Of(layout.UpperDir, layout.LowerDirs);

    /// <summary>GET /containers/{id}/changes in the response shape ({"Path","Kind"}).</summary>
    public static IReadOnlyList<Protocol.ContainerChange> ChangesForApi(RootfsLayout layout) =>
        [.. Changes(layout).Select(c => new Protocol.ContainerChange(c.Path, (int)c.Kind))];

    /// <summary>GET /containers/{id}/export: the merged view as a tar (mounts it for the duration if needed).</summary>
    public static void Export(RootfsLayout layout, Stream output)
    {
        var mountedHere = !IsMounted(layout.MergedDir);
        if (mountedHere)
        {
            EnsureInitLayer(layout);
            MountOverlay(layout);
        }
        try { DirectoryArchiver.Write(layout.MergedDir, output); }
        finally { if (mountedHere) OverlayMount.Unmount(layout.MergedDir); }
    }

    /// <summary>The container's changes as an OCI layer (for commit): whiteouts and opaque dirs in OCI form.</summary>
    public static void ExportDiff(RootfsLayout layout, Stream output) => DirectoryArchiver.Write(layout.UpperDir, output, overlayUpper: true);

    /// <summary>Removes upper, work and merged dirs (after unmounting).</summary>
    public static void Remove(RootfsLayout layout)
    {
        OverlayMount.Unmount(layout.MergedDir);
        var root = Path.GetDirectoryName(layout.UpperDir)!;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <remarks>
    /// What keeps other users out of the container's root is the parents: the rootfs dir (0700) in the container's dir (0710).
    /// </remarks>
    private static void MountOverlay(RootfsLayout layout) =>
        OverlayMount.Mount(layout.LowerDirs, layout.UpperDir, layout.WorkDir, layout.MergedDir);

    private static bool IsMounted(string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full) return true;
        }
        return false;
    }

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
