using System.Text;
using Berth.Actors.Protocol;
using Berth.Runtime.Native;

namespace Berth.Actors.Containers.Bundle;

/// <summary>The container's own /etc/hostname, /etc/hosts and /etc/resolv.conf, kept in its directory and bound in like docker's.</summary>
public static class EtcFiles
{
    public static string Hostname(string containerDir) => Path.Combine(containerDir, "hostname");
    public static string Hosts(string containerDir) => Path.Combine(containerDir, "hosts");
    public static string ResolvConf(string containerDir) => Path.Combine(containerDir, "resolv.conf");

    /// <summary>Docker's fallback when the host only lists local resolvers the container cannot reach.</summary>
    private static readonly string[] FallbackNameservers = ["8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844"];

    public static void Write(string containerDir, string hostname, ContainerNetworking h)
    {
        Directory.CreateDirectory(containerDir);
        var hostNetwork = h.Mode == "host";
        WriteAtomically(Hostname(containerDir), hostname + "\n");
        WriteAtomically(Hosts(containerDir), HostsContent(h.ExtraHosts, hostNetwork ? ReadHost("/etc/hosts") : null));
        WriteAtomically(ResolvConf(containerDir), ResolvContent(ReadHost("/etc/resolv.conf") ?? "", h, hostNetwork));
    }

    /// <summary>docker's default hosts file (or the host's, on the host network), then the --add-host entries.</summary>
    public static string HostsContent(IReadOnlyList<string>? extraHosts, string? hostFile)
    {
        var sb = new StringBuilder(hostFile ?? """
            127.0.0.1	localhost
            ::1	localhost ip6-localhost ip6-loopback
            fe00::0	ip6-localnet
            ff00::0	ip6-mcastprefix
            ff02::1	ip6-allnodes
            ff02::2	ip6-allrouters

            """);
        if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
        foreach (var e in extraHosts ?? [])
        {
            var i = e.IndexOf(':');
            sb.Append(e[(i + 1)..].Trim('[', ']')).Append('\t').Append(e[..i]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The host's resolv.conf with --dns, --dns-search and --dns-option replacing its nameserver, search and options lines;
    /// off the host network, loopback resolvers are dropped (they are not reachable from the container), like docker.
    /// </summary>
    public static string ResolvContent(string hostResolv, ContainerNetworking h, bool hostNetwork)
    {
        var lines = hostResolv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        static bool Is(string line, string key) => line.StartsWith(key + " ", StringComparison.Ordinal) || line.StartsWith(key + "\t", StringComparison.Ordinal);
        var nameservers = lines.Where(l => Is(l, "nameserver")).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "").ToList();
        if (!hostNetwork) nameservers = nameservers.Where(n => !n.StartsWith("127.", StringComparison.Ordinal) && n != "::1").ToList();
        if (h.Dns is { Count: > 0 } dns) nameservers = [.. dns];
        else if (nameservers.Count == 0) nameservers = [.. FallbackNameservers];
        var sb = new StringBuilder();
        foreach (var l in lines.Where(l => l.Length > 0 && !Is(l, "nameserver") && !(Is(l, "search") && h.DnsSearch is { Count: > 0 }) && !(Is(l, "options") && h.DnsOptions is { Count: > 0 })))
            sb.Append(l).Append('\n');
        if (h.DnsSearch is { Count: > 0 } search) sb.Append("search ").AppendJoin(' ', search).Append('\n');
        if (h.DnsOptions is { Count: > 0 } options) sb.Append("options ").AppendJoin(' ', options).Append('\n');
        foreach (var n in nameservers) sb.Append("nameserver ").Append(n).Append('\n');
        return sb.ToString();
    }

    private static string? ReadHost(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    /// <summary>0644 like docker's: they are bound into the container, where its non-root users read them.</summary>
    private static void WriteAtomically(string path, string content) => ExactMode.WriteFile(path, content, ExactMode.File0644);
}
