using System.Text.Json;
using Berth.Actors.Containers.Bundle;
using Berth.Runtime.Native;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers;

/// <summary>Writes a container's config.json the way dockerd's spec looks, from its definition (builders in Bundle/).</summary>
public static class OciBundle
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The tiny init bound at /sbin/docker-init for --init: shipped next to berthd.</summary>
    public static string InitBinary => Path.Combine(AppContext.BaseDirectory, "berth-init");

    /// <summary>
    /// The spec for a rootfs. A rootfs that is not mounted yet (the bundle written at create) cannot name users;
    /// the bundle is written again at start with the rootfs mounted, and only that one runs.
    /// </summary>
    public static Spec Build(ContainerDefinition def, string rootfs, string containerDir, string? initBinary = null)
    {
        var s = def.Spec;
        var c = s.Process;
        // Only the bundle written at start, with the rootfs mounted, runs: what can fail a start is resolved for that one.
        var starting = RootfsReady(rootfs);
        var user = starting ? ContainerUser.Resolve(rootfs, c.User) : new ContainerUser.Resolved(new User(), "/");
        var env = new List<string>(c.Env ?? []);
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal))) env.Insert(0, DefaultPath);
        env.Insert(1 <= env.Count ? 1 : 0, "HOSTNAME=" + Hostname(def));
        if (s.Stdio.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal))) env.Add("TERM=xterm");
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal))) env.Add("HOME=" + user.Home);
        var namespaces = new List<Namespace> { new() { Type = "pid" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" } };
        if (ContainerNetwork.Effective(s.Network.Mode) != ContainerNetwork.Host) namespaces.Add(new Namespace { Type = "network" });
        var init = c.Init == true ? initBinary ?? InitBinary : null;
        var spec = new Spec
        {
            OciVersion = "1.0.2-dev",
            Process = new Process
            {
                Terminal = s.Stdio.Tty,
                User = user.User,
                Args = init != null ? [OciMounts.InitTarget, "--", .. def.Argv()] : [.. def.Argv()],
                Env = env,
                Cwd = c.WorkingDir is { Length: > 0 } w ? w : "/",
                Rlimits = OciResources.Rlimits(s.Resources),
                OomScoreAdj = s.Resources.OomScoreAdj,
            },
            Root = new Root { Path = rootfs, Readonly = s.Security.ReadonlyRootfs },
            Hostname = Hostname(def),
            Mounts = OciMounts.Build(s, containerDir, init),
            Linux = new Linux
            {
                Namespaces = namespaces,
                CgroupsPath = ContainerPaths.CgroupOf(def.Id),
                Resources = OciResources.Build(s.Resources),
            },
        };
        OciSecurity.Apply(spec, s.Security);
        OciDevices.Apply(spec, s.Security, resolve: starting);
        return spec;
    }

    /// <summary>
    /// Writes config.json (0600: it holds the environment, secrets included) and the /etc files; docker creates a
    /// missing -v source directory (0755, its parents too), so this does too.
    /// </summary>
    public static void Write(ContainerDefinition def, ContainerPaths paths, string rootfs)
    {
        paths.CreateDir();
        EtcFiles.Write(paths.Dir, Hostname(def), def.Spec.Network);
        foreach (var b in (def.Spec.Mounts.Binds ?? []).Select(BindMount.Parse))
            if (!File.Exists(b.Source)) ExactMode.CreateDirectories(b.Source, ExactMode.Dir0755);
        var json = JsonSerializer.SerializeToUtf8Bytes(Build(def, rootfs, paths.Dir), OciJson.Pretty.Spec);
        ExactMode.WriteFile(paths.ConfigJson, json, ExactMode.File0600);
    }

    public static string Hostname(ContainerDefinition def) => def.Spec.Hostname is { Length: > 0 } h ? h : def.ShortId;

    private static bool RootfsReady(string rootfs) => Directory.Exists(rootfs) && Directory.EnumerateFileSystemEntries(rootfs).Any();
}
