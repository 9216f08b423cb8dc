using Berth.Runtime.Oci;

namespace Berth.Actors.Containers;

/// <summary>
/// docker's --user for exec: "uid", "uid:gid", "name", "name:group" (any mix). Names come from the container's own
/// /etc/passwd and /etc/group, read through the rootfs without following a symlinked file out of it.
/// </summary>
public static class ExecUser
{
    /// <summary>Throws <see cref="ArgumentException"/> with docker's "unable to find user …" message for an unknown name.</summary>
    public static User Resolve(string user, string rootfs)
    {
        var parts = user.Split(':', 2);
        var name = parts[0];
        uint uid, gid;
        if (uint.TryParse(name, out uid))
        {
            // docker: a numeric uid without a group gets that user's passwd group if there is one, else 0.
            gid = Entries(rootfs, "etc/passwd").FirstOrDefault(e => e.Length > 3 && e[2] == name) is { } byUid && uint.TryParse(byUid[3], out var g) ? g : 0;
        }
        else
        {
            var entry = Entries(rootfs, "etc/passwd").FirstOrDefault(e => e.Length > 3 && e[0] == name)
                        ?? throw new ArgumentException($"unable to find user {name}: no matching entries in passwd file");
            if (!uint.TryParse(entry[2], out uid) || !uint.TryParse(entry[3], out gid))
                throw new ArgumentException($"unable to find user {name}: invalid passwd entry");
        }
        if (parts.Length == 2 && parts[1].Length > 0)
            gid = uint.TryParse(parts[1], out var numeric) ? numeric : GroupId(parts[1], rootfs);
        return new User { Uid = uid, Gid = gid };
    }

    private static uint GroupId(string group, string rootfs) =>
        Entries(rootfs, "etc/group").FirstOrDefault(e => e.Length > 2 && e[0] == group) is { } entry && uint.TryParse(entry[2], out var gid)
            ? gid
            : throw new ArgumentException($"unable to find group {group}: no matching entries in group file");

    /// <summary>The colon-separated lines of a rootfs file; none when it is missing or a symlink (which could point at the host's).</summary>
    private static IEnumerable<string[]> Entries(string rootfs, string relative)
    {
        var path = Path.Combine(rootfs, relative);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget != null) return [];
        return File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(':'));
    }
}
