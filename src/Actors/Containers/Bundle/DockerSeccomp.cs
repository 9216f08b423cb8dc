using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Runtime.Oci;
using Berth.Runtime.Seccomp;

namespace Berth.Actors.Containers.Bundle;

/// <summary>A docker seccomp profile (the JSON `--security-opt seccomp=file.json` sends) turned into the OCI form.</summary>
public static class DockerSeccomp
{
    private static string NativeArch => SeccompArch.Host.Native;
    private static string GoArch => SeccompArch.Host.GoName;

    /// <summary>
    /// The OCI profile; rules conditioned on capabilities are judged against <paramref name="capabilities"/> (the
    /// container's final set), or docker's default set when not given.
    /// </summary>
    public static Seccomp Parse(string json, IReadOnlyCollection<string>? capabilities = null)
    {
        var caps = capabilities ?? OciSecurity.DefaultCapabilities;
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new HostConfigException("Decoding seccomp profile failed: not a JSON object");
            var profile = new Seccomp
            {
                DefaultAction = (string?)root["defaultAction"],
                DefaultErrnoRet = (uint?)root["defaultErrnoRet"],
                Architectures = Architectures(root),
                Flags = root["flags"]?.AsArray().Select(f => (string)f!).ToList(),
                Syscalls = root["syscalls"]?.AsArray().OfType<JsonObject>().Where(r => Applies(r, caps)).Select(Rule).ToList(),
            };
            SeccompProfile.Validate(profile);
            return profile;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ConfigException)
        {
            throw new HostConfigException($"Decoding seccomp profile failed: {e.Message}");
        }
    }

    /// <summary>"architectures" as given, or archMap's entry for this machine with its sub-architectures.</summary>
    private static List<string>? Architectures(JsonObject root)
    {
        if (root["architectures"] is JsonArray list) return list.Select(a => (string)a!).ToList();
        if (root["archMap"] is not JsonArray map) return null;
        var native = map.OfType<JsonObject>().FirstOrDefault(m => (string?)m["architecture"] == NativeArch);
        if (native == null) return null;
        return [NativeArch, .. native["subArchitectures"]?.AsArray().Select(a => (string)a!) ?? []];
    }

    /// <summary>docker's includes/excludes by architecture and by the container's capabilities.</summary>
    private static bool Applies(JsonObject rule, IReadOnlyCollection<string> caps)
    {
        if (rule["includes"]?["arches"] is JsonArray inc && inc.Count > 0 && !inc.Any(a => (string?)a == GoArch)) return false;
        if (rule["excludes"]?["arches"] is JsonArray exc && exc.Any(a => (string?)a == GoArch)) return false;
        if (rule["includes"]?["caps"] is JsonArray need && need.Any(c => !caps.Contains((string?)c!))) return false;
        if (rule["excludes"]?["caps"] is JsonArray xcaps && xcaps.Any(c => caps.Contains((string?)c!))) return false;
        return true;
    }

    private static SeccompSyscall Rule(JsonObject r) => new()
    {
        Names = r["names"] is JsonArray names ? names.Select(n => (string)n!).ToList() : r["name"] is { } one ? [(string)one!] : [],
        Action = (string?)r["action"],
        ErrnoRet = (uint?)r["errnoRet"],
        Args = r["args"]?.AsArray().OfType<JsonObject>().Select(a => new SeccompArg
        {
            Index = (uint?)a["index"] ?? 0,
            Value = (ulong?)a["value"] ?? 0,
            ValueTwo = (ulong?)a["valueTwo"] ?? 0,
            Op = (string?)a["op"],
        }).ToList(),
    };
}
