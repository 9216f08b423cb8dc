namespace Berth.Runtime;

/// <summary>Version facts of the runtime module, shared by every front end.</summary>
public static class RuntimeInfo
{
    public const string OciVersion = "1.2.0";
    public const string Version = "0.1.0";
}
