namespace Berth.Actors.Containers;

/// <summary>Where one container's files live: bundle, rootfs and json-file log under the data root; the shim's sockets under the exec root.</summary>
public sealed record ContainerPaths(string DataRoot, string ExecRoot, string Id)
{
    public string Dir => Path.Combine(DataRoot, "containers", Id);
    public string ConfigJson => Path.Combine(Dir, "config.json");
    public string LogPath => Path.Combine(Dir, Id + "-json.log");

    /// <summary>Short id, so the shim's socket paths stay under the 108-byte sun_path limit.</summary>
    public string StateDir => Path.Combine(ExecRoot, "containers", Id[..12]);

    /// <summary>The container's cgroup (cgroupfs path under every hierarchy), like docker's "/docker/{id}".</summary>
    public string CgroupPath => CgroupOf(Id);

    public static string CgroupOf(string id) => "/berth/" + id;

    /// <summary>The OCI runtime's --root, private to this daemon.</summary>
    public string RuntimeRoot => Path.Combine(ExecRoot, "runtime");
}
