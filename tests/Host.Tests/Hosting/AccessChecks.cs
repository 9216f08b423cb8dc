using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>What other local users can do with berthd's files: tried as nobody, and read off the modes.</summary>
internal static class AccessChecks
{
    /// <summary>Runs a host program as nobody:nogroup with no supplementary groups.</summary>
    public static Task<Run.Result> AsNobody(params string[] argv) =>
        Run.Program("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", .. argv]);

    /// <summary>Runs a host program as nobody with one supplementary group.</summary>
    public static Task<Run.Result> AsNobodyInGroup(uint gid, IDictionary<string, string> env, params string[] argv) =>
        Run.Program("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", $"--groups={gid}", "--", .. argv], env);

    /// <summary>A test dir everyone may pass and list, so that a refusal below it is berthd's doing.</summary>
    public static void OpenForEveryone(string dir) => File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);

    /// <summary>The permission bits in octal ("710").</summary>
    public static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    /// <summary>A process's umask, as /proc shows it ("0077").</summary>
    public static string Umask(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal))["Umask:".Length..].Trim();

    public static uint GroupId(string name) =>
        File.ReadLines("/etc/group").Select(l => l.Split(':')).Where(f => f[0] == name).Select(f => uint.Parse(f[2])).Single();

    /// <summary>
    /// Every path under <paramref name="root"/> that gives other users any permission, beyond what dockerd gives them
    /// too: the container's and the image's own files (rootfs/upper, merged, init and empty-lower of a container,
    /// snapshots/*/fs, like docker's overlay2/*/diff and merged: their modes are the container's business), a
    /// container's hostname, hosts and resolv.conf (0644 like docker's: they are bound into the container for its
    /// non-root users), pid files (0644 as runc writes them; a pid is public in /proc anyway) and an OCI runtime's
    /// per-container state dirs (0711, runc's). All of these sit below directories other users cannot pass.
    /// </summary>
    public static IEnumerable<string> OpenToOthers(string root)
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };
        while (pending.TryPop(out var dir))
        {
            List<FileSystemInfo> entries;
            try { entries = [.. dir.EnumerateFileSystemInfos("*", options)]; }
            catch (DirectoryNotFoundException) { continue; }   // removed meanwhile (a finished probe, a rename)
            foreach (var entry in entries)
            {
                if (entry.LinkTarget != null) continue;
                UnixFileMode mode;
                try { mode = entry.UnixFileMode; }
                catch (FileNotFoundException) { continue; }
                if (entry is DirectoryInfo d)
                {
                    if (IsContainerOrImageFilesystem(d)) continue;
                    pending.Push(d);
                }
                if (((int)mode & 0x7) == 0 || IsOpenLikeDockers(entry, (int)mode)) continue;
                yield return $"{Convert.ToString((int)mode, 8)} {entry.FullName}";
            }
        }
    }

    private static bool IsContainerOrImageFilesystem(DirectoryInfo d) =>
        (d.Parent?.Name == "rootfs" && d.Name is "upper" or "merged" or "init" or "empty-lower") ||
        (d.Name == "fs" && d.Parent?.Parent?.Name == "snapshots");

    private static bool IsOpenLikeDockers(FileSystemInfo entry, int mode) => entry switch
    {
        FileInfo f when f.Name is "hostname" or "hosts" or "resolv.conf" && f.Directory?.Parent?.Name == "containers" => mode == 0x1A4,
        FileInfo f when f.Name.EndsWith(".pid", StringComparison.Ordinal) => mode == 0x1A4,
        DirectoryInfo d when d.Parent?.Name == "runtime" => mode == 0x1C9,
        _ => false,
    };
}
