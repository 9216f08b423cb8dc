using Berth.Runtime.Native;

namespace Berth.Actors.Containers;

/// <summary>Where one container's files live: bundle, rootfs and json-file log under the data root; the shim's sockets under the exec root.</summary>
public sealed record ContainerPaths(string DataRoot, string ExecRoot, string Id)
{
    public string Dir => Path.Combine(DataRoot, "containers", Id);
    public string ConfigJson => Path.Combine(Dir, "config.json");
    public string LogPath => Path.Combine(Dir, Id + "-json.log");

    /// <summary>
    /// Creates containers/ and containers/&lt;id&gt;/ as dockerd does (0710 root:root): nobody but root can reach the
    /// config, log and rootfs below, whatever their own modes; /etc files there stay 0644 for the container's users.
    /// </summary>
    public void CreateDir()
    {
        ExactMode.Directory(Path.Combine(DataRoot, "containers"), ExactMode.Dir0710);
        ExactMode.Directory(Dir, ExactMode.Dir0710);
    }

    /// <summary>
    /// Brings every container's directory to the modes berthd creates them with (0710 dirs, 0600 files, docker's
    /// 0640 logs and 0644 /etc files), whatever an older berthd left there (0755 dirs, 0644 config.json and logs).
    /// Called once at start, before the containers actor recovers.
    /// </summary>
    public static void Tighten(string dataRoot, string execRoot)
    {
        var containers = Path.Combine(dataRoot, "containers");
        if (Directory.Exists(containers))
        {
            File.SetUnixFileMode(containers, ExactMode.Dir0710);
            foreach (var dir in Directory.EnumerateDirectories(containers))
                new ContainerPaths(dataRoot, execRoot, Path.GetFileName(dir)).TightenDir();
        }
        // The shims' and the runtime's state (exec specs, runtime states: environments) stay private even where the exec
        // root lets the API socket's group through.
        foreach (var state in new[] { Path.Combine(execRoot, "containers"), Path.Combine(execRoot, "runtime") })
            if (Directory.Exists(state)) File.SetUnixFileMode(state, ExactMode.Dir0700);
    }

    private void TightenDir()
    {
        File.SetUnixFileMode(Dir, ExactMode.Dir0710);
        foreach (var entry in new DirectoryInfo(Dir).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget != null) continue;
            if (entry is DirectoryInfo) { if (entry.Name == "rootfs") entry.UnixFileMode = ExactMode.Dir0700; continue; }
            entry.UnixFileMode = entry.Name switch
            {
                "hostname" or "hosts" or "resolv.conf" => ExactMode.File0644,
                _ when entry.Name.StartsWith(Path.GetFileName(LogPath), StringComparison.Ordinal) => ExactMode.File0640,
                _ => ExactMode.File0600,
            };
        }
    }

    /// <summary>Short id, so the shim's socket paths stay under the 108-byte sun_path limit.</summary>
    public string StateDir => Path.Combine(ExecRoot, "containers", Id[..12]);

    /// <summary>The container's cgroup (cgroupfs path under every hierarchy), like docker's "/docker/{id}".</summary>
    public string CgroupPath => CgroupOf(Id);

    public static string CgroupOf(string id) => "/berth/" + id;

    /// <summary>The OCI runtime's --root, private to this daemon.</summary>
    public string RuntimeRoot => Path.Combine(ExecRoot, "runtime");
}
