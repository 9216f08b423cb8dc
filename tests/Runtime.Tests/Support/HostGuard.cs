namespace Berth.Runtime.Tests.Support;

/// <summary>Protects the host: facts about namespaces seen from inside a container.</summary>
public static class HostGuard
{
    /// <summary>The namespace link of the test process, e.g. "uts:[4026531838]".</summary>
    public static string HostNamespace(string type) => new FileInfo($"/proc/self/ns/{type}").LinkTarget!;

    /// <summary>Shell snippet printing "ns=&lt;link&gt;" for a namespace type, to prove isolation before asserting.</summary>
    public static string PrintNamespace(string type) => $"echo ns={type}:$(readlink /proc/self/ns/{type});";

    public static void AssertIsolated(string output, string type)
    {
        var line = output.Split('\n').First(l => l.StartsWith($"ns={type}:", StringComparison.Ordinal));
        var inside = line[(type.Length + 4)..];
        Xunit.Assert.NotEqual(HostNamespace(type), inside);
    }
}
