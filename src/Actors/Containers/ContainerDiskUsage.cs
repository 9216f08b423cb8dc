namespace Berth.Actors.Containers;

/// <summary>docker's SizeRw: the bytes of the files in a container's writable layer (its overlay upper dir).</summary>
public static class ContainerDiskUsage
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true, ReturnSpecialDirectories = false,
    };

    public static string UpperDir(ContainerPaths paths) => Path.Combine(paths.Dir, "rootfs", "upper");

    /// <summary>Regular files only (symlinks are not followed, whiteouts count 0); 0 when the layer does not exist yet.</summary>
    public static long SizeRw(ContainerPaths paths)
    {
        var upper = new DirectoryInfo(UpperDir(paths));
        if (!upper.Exists) return 0;
        long total = 0;
        foreach (var f in upper.EnumerateFiles("*", Everything))
            if (f.LinkTarget == null) total += f.Length;
        return total;
    }
}
