namespace Berth.Actors.Containers.Bundle;

/// <summary>One bind mount: from HostConfig.Binds ("src:dst[:opts]") or a Mounts entry of type bind.</summary>
public sealed record BindMount(string Source, string Target, bool ReadOnly, string Propagation, string Mode, bool Recursive = true)
{
    private static readonly HashSet<string> Propagations = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];

    /// <summary>docker's Linux bind spec: absolute host path, absolute container path, modes rw|ro, z|Z, propagation, nocopy.</summary>
    public static BindMount Parse(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length is < 1 or > 3 || parts.Any(p => p.Length == 0))
            throw new HostConfigException($"invalid volume specification: '{spec}'");
        if (parts.Length == 1 || !parts[0].StartsWith('/'))
            throw new HostConfigException(
                $"invalid volume specification: '{spec}': volumes are not supported by this berthd yet; bind an absolute host path (/host/dir:/container/dir)");
        var target = parts[1];
        if (!target.StartsWith('/'))
            throw new HostConfigException($"invalid volume specification: '{spec}': invalid mount config for type \"bind\": invalid mount path: '{target}' mount path must be absolute");
        var mode = parts.Length == 3 ? parts[2] : "";
        bool? readOnly = null;
        var propagation = "";
        foreach (var m in mode.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (m)
            {
                case "ro" or "rw" when readOnly == null: readOnly = m == "ro"; break;
                case "z" or "Z" or "nocopy" or "consistent" or "cached" or "delegated": break;
                case var p when Propagations.Contains(p) && propagation == "": propagation = p; break;
                default: throw new HostConfigException($"invalid mode: {mode}");
            }
        }
        return new BindMount(parts[0], Clean(target), readOnly ?? false, propagation, mode);
    }

    /// <summary>"/a/b/" and "/a//b" name the same mount point as "/a/b".</summary>
    public static string Clean(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        return "/" + string.Join('/', segments);
    }
}
