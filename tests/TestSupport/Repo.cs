namespace Berth.TestSupport;

/// <summary>Locates the repository and the build outputs that ./build.sh put in out/.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Out => Path.Combine(Root, "out");

    /// <summary>Path of a built executable in out/, failing loudly when the build did not produce it.</summary>
    public static string Binary(string name)
    {
        var path = Path.Combine(Out, name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run ./build.sh first", path);
        return path;
    }

    public static string Shared => Path.Combine(Path.GetDirectoryName(Root)!, "shared");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
