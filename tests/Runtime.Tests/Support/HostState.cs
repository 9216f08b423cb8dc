namespace Berth.Runtime.Tests.Support;

/// <summary>Test-side cgroup helpers: find and remove a test's cgroup tree in every hierarchy.</summary>
public static class HostCgroups
{
    public static IEnumerable<string> Hierarchies() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(" - "))
            .Where(p => p.Length == 2 && (p[1].StartsWith("cgroup ") || p[1].StartsWith("cgroup2 ")))
            .Select(p => p[0].Split(' ')[4])
            .Distinct();

    /// <summary>Directories of a cgroup path that exist in any hierarchy.</summary>
    public static List<string> Existing(string path) =>
        Hierarchies().Select(h => Path.Combine(h, path.TrimStart('/'))).Where(Directory.Exists).ToList();

    public static void RemoveTree(string path)
    {
        foreach (var dir in Existing(path))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                TryRmdir(sub);
            TryRmdir(dir);
        }
    }

    private static void TryRmdir(string d)
    {
        for (var i = 0; i < 50; i++)
        {
            try { Directory.Delete(d); return; }
            catch (DirectoryNotFoundException) { return; }
            catch (IOException) { Thread.Sleep(20); }
        }
    }
}

/// <summary>Test-side mount helpers: detect and remove mounts a test left behind.</summary>
public static class HostMounts
{
    public static List<string> Below(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).ToList();

    public static void UnmountBelow(string dir)
    {
        foreach (var m in Below(dir).OrderByDescending(m => m.Length))
            Umount2(m, 2 /* MNT_DETACH */);
    }

    /// <summary>Runs a host command (mount(8)) and returns its exit code.</summary>
    public static int Run(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    private static extern int Umount2(string target, int flags);
}
