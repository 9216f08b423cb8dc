using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers;

/// <summary>
/// The OCI process of a docker exec: the container's own process (env, caps, rlimits, user, cwd as the bundle has them)
/// with the exec's command, extra env, user, working dir, terminal and privileges laid over it.
/// </summary>
public static class ExecProcessSpec
{
    public static Process Build(Process container, ExecSpec exec, string rootfs)
    {
        if (exec.Cmd is not { Count: > 0 } cmd) throw new ArgumentException("No exec command specified");
        var env = Merge(container.Env ?? [], exec.Env ?? []);
        if (exec.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal))) env.Add("TERM=xterm");
        var caps = container.Capabilities;
        if (exec.Privileged)
        {
            var all = CapabilityNames.All.Take(CapabilityNames.LastCap() + 1).ToList();
            caps = new Capabilities { Bounding = [.. all], Effective = [.. all], Permitted = [.. all] };
        }
        return new Process
        {
            Terminal = exec.Tty,
            User = exec.User is { Length: > 0 } u ? ExecUser.Resolve(u, rootfs) : container.User,
            Args = [.. cmd],
            Env = env,
            Cwd = exec.WorkingDir is { Length: > 0 } w ? w : container.Cwd ?? "/",
            Capabilities = caps,
            Rlimits = container.Rlimits,
            NoNewPrivileges = container.NoNewPrivileges && !exec.Privileged,
            ApparmorProfile = container.ApparmorProfile,
            OomScoreAdj = container.OomScoreAdj,
            SelinuxLabel = container.SelinuxLabel,
        };
    }

    /// <summary>docker's env merge: an exec's KEY=value replaces the container's KEY, new keys are appended in order.</summary>
    public static List<string> Merge(IReadOnlyList<string> container, IReadOnlyList<string> extra)
    {
        var result = container.ToList();
        foreach (var e in extra)
        {
            var key = e.Split('=', 2)[0];
            var at = result.FindIndex(x => x.Split('=', 2)[0] == key);
            if (at >= 0) result[at] = e;
            else result.Add(e);
        }
        return result;
    }
}
