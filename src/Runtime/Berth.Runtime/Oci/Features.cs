using System.Text.Json.Serialization;

namespace Berth.Runtime.Oci;

/// <summary>The `features` document (runtime-spec features-schema.json).</summary>
public sealed class Features
{
    public string OciVersionMin { get; set; } = "1.0.0";
    public string OciVersionMax { get; set; } = RuntimeInfo.OciVersion;
    public List<string> Hooks { get; set; } = [];
    public List<string> MountOptions { get; set; } = [];
    public LinuxFeatures Linux { get; set; } = new();
    public Dictionary<string, string> Annotations { get; set; } = [];
}

/// <summary>Linux part of `features`.</summary>
public sealed class LinuxFeatures
{
    public List<string> Namespaces { get; set; } = [];
    public List<string> Capabilities { get; set; } = [];
    public CgroupFeatures Cgroup { get; set; } = new();
    public SeccompFeatures Seccomp { get; set; } = new();
    public EnabledFeature Apparmor { get; set; } = new();
    public EnabledFeature Selinux { get; set; } = new();
}

/// <summary>cgroup support flags.</summary>
public sealed class CgroupFeatures
{
    public bool V1 { get; set; }
    public bool V2 { get; set; }
    public bool Systemd { get; set; }
    public bool SystemdUser { get; set; }
}

/// <summary>seccomp support.</summary>
public sealed class SeccompFeatures
{
    public bool Enabled { get; set; }
    public List<string> Actions { get; set; } = [];
    public List<string> Operators { get; set; } = [];
    public List<string> Archs { get; set; } = [];
    [JsonPropertyName("knownFlags")] public List<string> KnownFlags { get; set; } = [];
    [JsonPropertyName("supportedFlags")] public List<string> SupportedFlags { get; set; } = [];
}

/// <summary>A feature that is only on or off.</summary>
public sealed class EnabledFeature
{
    public bool Enabled { get; set; }
}
