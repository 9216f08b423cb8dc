using System.Text.Json;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers;

/// <summary>
/// An exec's config as the client gave it (user name, env, detach keys …), kept next to the shim's own exec state
/// under the container's state dir. The shim only knows the resolved OCI process (a numeric uid), so after a daemon
/// restart this file is what gives the rebuilt exec record back its spec. Lives as long as the shim's state does.
/// </summary>
public static class ExecSpecFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string PathOf(string stateDir, string execId) => Path.Combine(stateDir, "exec-specs", execId + ".json");

    /// <summary>Written before the shim hears of the exec, so every exec a shim can list has its file (write then rename: never torn).</summary>
    public static void Write(string stateDir, string execId, ExecSpec spec)
    {
        var path = PathOf(stateDir, execId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ExactMode.WriteFile(path, JsonSerializer.SerializeToUtf8Bytes(spec, Json), ExactMode.File0600);   // its env may hold secrets
    }

    /// <summary>The spec, or null when there is no readable file (an exec prepared by a berthd that did not write one).</summary>
    public static ExecSpec? Read(string stateDir, string execId)
    {
        var path = PathOf(stateDir, execId);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ExecSpec>(File.ReadAllBytes(path), Json); }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    /// <summary>Removes the file. Best effort: a state dir already gone (the container was removed) is fine, and a leftover
    /// file is harmless (it is only read for an exec its shim still lists, and goes with the state dir).</summary>
    public static void Delete(string stateDir, string execId)
    {
        try { File.Delete(PathOf(stateDir, execId)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
