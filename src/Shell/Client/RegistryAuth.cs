using System.Text;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Client;

/// <summary>Credentials for one registry, as the X-Registry-Auth header and POST /auth carry them.</summary>
public sealed record AuthConfig(string? Username = null, string? Password = null, string? Auth = null, string? Email = null,
    string? ServerAddress = null, string? IdentityToken = null, string? RegistryToken = null);

/// <summary>
/// The docker CLI's registry credentials: X-Registry-Auth is URL-safe base64 (with padding) of the JSON AuthConfig
/// ("e30=" = {} when anonymous); stored logins come from ~/.docker/config.json "auths" (base64 "user:pass").
/// </summary>
public static class RegistryAuth
{
    /// <summary>What docker sends without credentials.</summary>
    public const string Anonymous = "e30=";

    /// <summary>Docker Hub's key in config.json.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    /// <summary>Encodes credentials for X-Registry-Auth (field order and omitempty as Go's AuthConfig).</summary>
    public static string Encode(AuthConfig? auth)
    {
        if (auth == null) return Anonymous;
        var fields = new List<(string, string?)>
        {
            ("username", auth.Username), ("password", auth.Password), ("auth", auth.Auth), ("email", auth.Email),
            ("serveraddress", auth.ServerAddress), ("identitytoken", auth.IdentityToken), ("registrytoken", auth.RegistryToken),
        };
        var json = new StringBuilder("{");
        foreach (var (name, value) in fields.Where(f => !string.IsNullOrEmpty(f.Item2)))
        {
            if (json.Length > 1) json.Append(',');
            GoText.JsonString(json, name);
            json.Append(':');
            GoText.JsonString(json, value!);
        }
        json.Append('}');
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToString())).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The registry an image reference lives in: "127.0.0.1:5000/bb:1" → "127.0.0.1:5000", "alpine" → Docker Hub.</summary>
    public static string RegistryOf(string reference)
    {
        var slash = reference.IndexOf('/');
        if (slash < 0) return DockerHubKey;
        var first = reference[..slash];
        if (first.Contains('.') || first.Contains(':') || first == "localhost")
            return first is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubKey : first;
        return DockerHubKey;
    }

    /// <summary>
    /// Looks up stored credentials for a registry in a docker config.json (DOCKER_CONFIG or ~/.docker); null when
    /// there are none. Credential helpers (credsStore) are not supported.
    /// </summary>
    public static AuthConfig? FromConfig(string registry, string? configDir = null)
    {
        configDir ??= Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var path = Path.Combine(configDir, "config.json");
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
        foreach (var entry in auths.EnumerateObject())
        {
            if (!SameRegistry(entry.Name, registry)) continue;
            var server = registry == DockerHubKey ? DockerHubKey : registry;
            if (entry.Value.TryGetProperty("identitytoken", out var token) && token.GetString() is { Length: > 0 } t)
                return new AuthConfig(ServerAddress: server, IdentityToken: t);
            if (!entry.Value.TryGetProperty("auth", out var a) || a.GetString() is not { Length: > 0 } encoded) continue;
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':');
            if (colon < 0) throw new InvalidDataException($"{path}: the auth entry for {entry.Name} is not base64 \"user:password\"");
            return new AuthConfig(decoded[..colon], decoded[(colon + 1)..], ServerAddress: server);
        }
        return null;
    }

    private static bool SameRegistry(string key, string registry)
    {
        static string Host(string k) => k.Replace("https://", "").Replace("http://", "").Split('/')[0];
        return key == registry || Host(key) == Host(registry);
    }
}
