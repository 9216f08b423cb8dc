using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>HostConfig.SecurityOpt as docker reads it: seccomp, no-new-privileges, apparmor, label, systempaths.</summary>
public sealed record SecurityOptions(bool NoNewPrivileges, bool SeccompUnconfined, Seccomp? SeccompProfile, bool UnmaskedPaths)
{
    /// <summary>Reads the options; a seccomp profile's capability conditions are judged against <paramref name="capabilities"/>.</summary>
    public static SecurityOptions From(IEnumerable<string>? options, IReadOnlyCollection<string>? capabilities = null)
    {
        var result = new SecurityOptions(false, false, null, false);
        foreach (var opt in options ?? [])
        {
            var (key, value) = Parse(opt);
            result = key switch
            {
                "no-new-privileges" => result with { NoNewPrivileges = value is "" or "true" },
                "seccomp" when value == "unconfined" => result with { SeccompUnconfined = true, SeccompProfile = null },
                "seccomp" when value == "builtin" => result with { SeccompUnconfined = false, SeccompProfile = null },
                "seccomp" => result with { SeccompUnconfined = false, SeccompProfile = DockerSeccomp.Parse(value, capabilities) },
                "systempaths" => result with { UnmaskedPaths = true },
                _ => result, // apparmor, label: this host has no LSM berthd drives; accepted like docker on a host without one.
            };
        }
        return result;
    }

    /// <summary>key=value (or docker's older key:value); unknown keys are docker's "invalid --security-opt 2".</summary>
    public static (string Key, string Value) Parse(string opt)
    {
        if (opt == "no-new-privileges") return (opt, "");
        var i = opt.IndexOfAny(['=', ':']);
        if (i < 0) throw new HostConfigException($"invalid --security-opt 1: \"{opt}\"");
        var (key, value) = (opt[..i], opt[(i + 1)..]);
        switch (key)
        {
            case "no-new-privileges" when value is "true" or "false": break;
            case "no-new-privileges": throw new HostConfigException($"invalid --security-opt 2: \"{opt}\"");
            case "seccomp" when value is not ("unconfined" or "builtin"): DockerSeccomp.Parse(value); break;
            case "systempaths" when value == "unconfined": break;
            case "seccomp" or "apparmor" or "label": break;
            default: throw new HostConfigException($"invalid --security-opt 2: \"{opt}\"");
        }
        return (key, value);
    }
}
