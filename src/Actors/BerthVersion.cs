using System.Reflection;

namespace Berth.Actors;

/// <summary>The version berthd reports, read from the assembly so there is one source: Directory.Build.props.</summary>
public static class BerthVersion
{
    public static string Version { get; } =
        typeof(BerthVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string GitCommit { get; } =
        typeof(BerthVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+') is [_, var rev] ? rev : "dev";
}
