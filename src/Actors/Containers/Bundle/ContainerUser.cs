using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>
/// Resolves docker's User ("name", "uid", "name:group", "uid:gid") against the container's own /etc/passwd and /etc/group,
/// as runc's GetExecUser does: the user's primary group and home, plus the groups that list it as a member.
/// </summary>
public static class ContainerUser
{
    public sealed record Resolved(User User, string Home);

    public static Resolved Resolve(string rootfs, string spec)
    {
        if (string.IsNullOrEmpty(spec)) spec = "0";
        var parts = spec.Split(':', 2);
        var (userPart, groupPart) = (parts[0], parts.Length == 2 ? parts[1] : null);
        var passwd = Read(Path.Combine(rootfs, "etc", "passwd"));
        var groups = Read(Path.Combine(rootfs, "etc", "group"));

        uint uid, gid = 0;
        var home = "/";
        string? name = null;
        var entry = passwd.FirstOrDefault(p => p.Length >= 4 && (p[0] == userPart || p[2] == userPart));
        if (entry != null && uint.TryParse(entry[2], out uid) && uint.TryParse(entry[3], out gid))
        {
            name = entry[0];
            if (entry.Length >= 6 && entry[5].Length > 0) home = entry[5];
        }
        else if (!uint.TryParse(userPart, out uid))
            throw new ContainerUserException($"unable to find user {userPart}: no matching entries in passwd file");

        var extra = new List<uint>();
        if (groupPart != null)
        {
            var g = groups.FirstOrDefault(x => x.Length >= 3 && (x[0] == groupPart || x[2] == groupPart));
            if (g != null && uint.TryParse(g[2], out var byFile)) gid = byFile;
            else if (!uint.TryParse(groupPart, out gid))
                throw new ContainerUserException($"unable to find group {groupPart}: no matching entries in group file");
        }
        else if (name != null)
        {
            foreach (var g in groups.Where(x => x.Length >= 4 && x[3].Split(',').Contains(name)))
                if (uint.TryParse(g[2], out var member) && member != gid) extra.Add(member);
        }
        return new Resolved(new User { Uid = uid, Gid = gid, AdditionalGids = extra.Count > 0 ? extra : null }, home);
    }

    private static List<string[]> Read(string path)
    {
        // A symlink in the image could point outside the rootfs; only plain files inside it are read.
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget != null) return [];
        return File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')).ToList();
    }
}

/// <summary>The User names no entry of the container's passwd or group file: the start fails like docker's (exit 128).</summary>
public sealed class ContainerUserException(string message) : ContainerSpecException(message);
