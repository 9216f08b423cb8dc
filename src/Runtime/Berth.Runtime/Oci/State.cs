namespace Berth.Runtime.Oci;

/// <summary>The OCI state JSON that `state` prints and hooks read on stdin.</summary>
public sealed class State
{
    public string OciVersion { get; set; } = RuntimeInfo.OciVersion;
    public string Id { get; set; } = "";
    public string Status { get; set; } = "";
    public int Pid { get; set; }
    public string Bundle { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The lifecycle statuses of runtime-spec 1.2 (plus runc's "paused").</summary>
public static class Status
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Paused = "paused";
}
