using Berth.Runtime.Mounts;

namespace Berth.Runtime.Oci;

/// <summary>
/// Checks a config.json before anything is created. The first problem becomes a
/// ConfigException naming the field and the reason; things the spec says to ignore
/// (unknown capabilities, AppArmor/SELinux here) come back as warnings.
/// </summary>
public static class ConfigValidator
{
    private static readonly string[] DeviceTypes = ["c", "b", "u", "p"];

    public static IReadOnlyList<string> Validate(Spec spec, string bundle)
    {
        var warnings = new List<string>();
        if (string.IsNullOrEmpty(spec.OciVersion)) throw new ConfigException("ociVersion", "is required");
        if (!IsSupportedVersion(spec.OciVersion))
            throw new ConfigException("ociVersion", $"\"{spec.OciVersion}\" is not supported (1.0.0 to {RuntimeInfo.OciVersion})");

        if (spec.Root?.Path is not { Length: > 0 } rootPath) throw new ConfigException("root.path", "is required");
        var rootfs = Path.GetFullPath(rootPath, bundle);
        if (!Directory.Exists(rootfs)) throw new ConfigException("root.path", $"rootfs {rootfs} does not exist or is not a directory");

        ValidateProcess(spec.Process, "process", warnings);
        var linux = spec.Linux ?? new Linux();
        var nsTypes = ValidateNamespaces(linux);
        var own = (string t) => nsTypes.TryGetValue(t, out var p) && p == null;

        if (!string.IsNullOrEmpty(spec.Hostname) && !own("uts"))
            throw new ConfigException("hostname", "needs a new uts namespace (linux.namespaces has none)");
        if (!string.IsNullOrEmpty(spec.Domainname) && !own("uts"))
            throw new ConfigException("domainname", "needs a new uts namespace (linux.namespaces has none)");

        var hasMaps = linux.UidMappings is { Count: > 0 } || linux.GidMappings is { Count: > 0 };
        if (hasMaps && !own("user")) throw new ConfigException("linux.uidMappings", "id mappings need a new user namespace");
        if (own("user") && !(linux.UidMappings is { Count: > 0 } && linux.GidMappings is { Count: > 0 }))
            throw new ConfigException("linux.uidMappings", "a new user namespace needs both uidMappings and gidMappings");
        if (linux.UidMappings is { Count: > 5 }) throw new ConfigException("linux.uidMappings", "the kernel accepts at most 5 ranges here");
        foreach (var (m, i) in (linux.UidMappings ?? []).Concat(linux.GidMappings ?? []).Select((m, i) => (m, i)))
            if (m.Size == 0) throw new ConfigException($"linux.uidMappings/gidMappings[{i}].size", "must be greater than 0");

        for (var i = 0; i < (spec.Mounts?.Count ?? 0); i++)
        {
            var m = spec.Mounts![i];
            var field = $"mounts[{i}]";
            if (string.IsNullOrEmpty(m.Destination)) throw new ConfigException(field + ".destination", "is required");
            if (m.Destination.Contains("..")) throw new ConfigException(field + ".destination", $"\"{m.Destination}\" must not contain \"..\"");
            var opts = MountOptions.Parse(m.Options, m.Type);
            if (opts.IsBind)
            {
                if (string.IsNullOrEmpty(m.Source)) throw new ConfigException(field + ".source", "a bind mount needs a source");
                var src = Path.GetFullPath(m.Source, bundle);
                if (!Path.Exists(src)) throw new ConfigException(field + ".source", $"{src} does not exist");
            }
            else if (string.IsNullOrEmpty(m.Type))
                throw new ConfigException(field + ".type", "is required unless the options contain bind or rbind");
        }

        for (var i = 0; i < (linux.Devices?.Count ?? 0); i++)
        {
            var d = linux.Devices![i];
            if (d.Type == null || !DeviceTypes.Contains(d.Type))
                throw new ConfigException($"linux.devices[{i}].type", $"\"{d.Type}\" is not one of c, b, u, p");
            if (d.Path is not { Length: > 0 } || !d.Path.StartsWith('/') || d.Path.Contains(".."))
                throw new ConfigException($"linux.devices[{i}].path", $"\"{d.Path}\" must be an absolute path without \"..\"");
        }

        if (linux.RootfsPropagation is { Length: > 0 } rp && MountOptions.PropagationFlag(rp) == null)
            throw new ConfigException("linux.rootfsPropagation", $"\"{rp}\" is not a propagation mode");

        foreach (var (k, _) in linux.Sysctl ?? [])
            if (k.Contains('/') || k.Contains("..")) throw new ConfigException($"linux.sysctl.{k}", "is not a sysctl name");

        foreach (var p in (linux.MaskedPaths ?? []).Concat(linux.ReadonlyPaths ?? []))
            if (!p.StartsWith('/')) throw new ConfigException("linux.maskedPaths/readonlyPaths", $"\"{p}\" is not absolute");

        if (linux.Seccomp is { } sc) Berth.Runtime.Seccomp.SeccompProfile.Validate(sc);
        ValidateHooks(spec.Hooks);
        if (linux.Resources?.Pids is { Limit: < -1 } pl)
            throw new ConfigException("linux.resources.pids.limit", $"{pl.Limit} is not a valid limit");
        if (linux.Resources?.Memory is { Limit: { } ml, Swap: { } sw } && sw > 0 && ml > 0 && sw < ml)
            throw new ConfigException("linux.resources.memory.swap", $"{sw} is lower than memory.limit {ml} (OCI swap counts memory+swap)");

        if (!string.IsNullOrEmpty(spec.Process?.ApparmorProfile)) warnings.Add("process.apparmorProfile is ignored: AppArmor is not supported");
        if (!string.IsNullOrEmpty(spec.Process?.SelinuxLabel)) warnings.Add("process.selinuxLabel is ignored: SELinux is not supported");
        if (!string.IsNullOrEmpty(linux.MountLabel)) warnings.Add("linux.mountLabel is ignored: SELinux is not supported");
        return warnings;
    }

    /// <summary>Checks a process object (config.json's or an `exec --process` file).</summary>
    public static void ValidateProcess(Process? p, string field, List<string> warnings)
    {
        if (p == null) throw new ConfigException(field, "is required");
        if (p.Args is not { Count: > 0 }) throw new ConfigException(field + ".args", "needs at least one entry");
        if (string.IsNullOrEmpty(p.Cwd) || !p.Cwd.StartsWith('/')) throw new ConfigException(field + ".cwd", $"\"{p.Cwd}\" must be an absolute path");
        foreach (var e in p.Env ?? [])
            if (!e.Contains('=')) throw new ConfigException(field + ".env", $"\"{e}\" is not NAME=value");
        var seen = new HashSet<string>();
        for (var i = 0; i < (p.Rlimits?.Count ?? 0); i++)
        {
            var r = p.Rlimits![i];
            if (r.Type == null || RlimitNames.Resource(r.Type) < 0)
                throw new ConfigException($"{field}.rlimits[{i}].type", $"\"{r.Type}\" is not a known rlimit");
            if (!seen.Add(r.Type)) throw new ConfigException($"{field}.rlimits[{i}].type", $"{r.Type} is listed twice");
            if (r.Soft > r.Hard) throw new ConfigException($"{field}.rlimits[{i}]", $"soft {r.Soft} is above hard {r.Hard}");
        }
        if (p.Capabilities is { } c)
            foreach (var name in new[] { c.Bounding, c.Effective, c.Inheritable, c.Permitted, c.Ambient }.SelectMany(s => s ?? []))
                if (CapabilityNames.Bit(name) < 0) warnings.Add($"{field}.capabilities: unknown capability {name} ignored");
        if (p.OomScoreAdj is < -1000 or > 1000) throw new ConfigException(field + ".oomScoreAdj", $"{p.OomScoreAdj} is not in -1000..1000");
        if (p.Terminal && p.ConsoleSize is { Height: > ushort.MaxValue } or { Width: > ushort.MaxValue })
            throw new ConfigException(field + ".consoleSize", "is too large");
    }

    private static Dictionary<string, string?> ValidateNamespaces(Linux linux)
    {
        var types = new Dictionary<string, string?>();
        for (var i = 0; i < (linux.Namespaces?.Count ?? 0); i++)
        {
            var ns = linux.Namespaces![i];
            if (ns.Type == null || NamespaceKinds.Flag(ns.Type) == 0)
                throw new ConfigException($"linux.namespaces[{i}].type", $"\"{ns.Type}\" is not a namespace type");
            if (!types.TryAdd(ns.Type, string.IsNullOrEmpty(ns.Path) ? null : ns.Path))
                throw new ConfigException($"linux.namespaces[{i}].type", $"{ns.Type} is listed twice");
            if (!string.IsNullOrEmpty(ns.Path))
            {
                if (!File.Exists(ns.Path)) throw new ConfigException($"linux.namespaces[{i}].path", $"{ns.Path} does not exist");
            }
            if (ns.Type == "time" && string.IsNullOrEmpty(ns.Path))
                throw new ConfigException($"linux.namespaces[{i}].type", "a new time namespace is not supported");
        }
        return types;
    }

    private static void ValidateHooks(Hooks? h)
    {
        if (h == null) return;
        foreach (var (name, list) in new[] { ("prestart", h.Prestart), ("createRuntime", h.CreateRuntime), ("createContainer", h.CreateContainer),
                     ("startContainer", h.StartContainer), ("poststart", h.Poststart), ("poststop", h.Poststop) })
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                var hook = list![i];
                if (hook.Path is not { Length: > 0 } || !hook.Path.StartsWith('/'))
                    throw new ConfigException($"hooks.{name}[{i}].path", $"\"{hook.Path}\" must be an absolute path");
                if (hook.Timeout is <= 0) throw new ConfigException($"hooks.{name}[{i}].timeout", "must be greater than 0");
            }
    }

    /// <summary>Every 1.x version up to the one we implement.</summary>
    public static bool IsSupportedVersion(string v)
    {
        var core = v.Split('-', '+')[0].Split('.');
        if (core.Length != 3 || !core.All(p => int.TryParse(p, out _))) return false;
        var (maj, min) = (int.Parse(core[0]), int.Parse(core[1]));
        var ours = RuntimeInfo.OciVersion.Split('.').Select(int.Parse).ToArray();
        return maj == 1 && min <= ours[1];
    }
}
