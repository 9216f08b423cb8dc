using System.Globalization;

namespace Berth.Shell.Formatting;

/// <summary>One entry of a container summary's "Ports" array.</summary>
public sealed record PortSummary(string? IP, int PrivatePort, int PublicPort, string Type);

/// <summary>docker ps's PORTS cell: "0.0.0.0:8080->80/tcp, :::8080->80/tcp", consecutive exposed ports grouped as ranges.</summary>
public static class PortsText
{
    public static string Display(IEnumerable<PortSummary> ports)
    {
        var sorted = ports.ToList();
        sorted.Sort(Compare);
        var groups = new Dictionary<string, (int First, int Last)>();
        var order = new List<string>();
        var result = new List<string>();
        var hostMappings = new List<string>();
        foreach (var port in sorted)
        {
            var current = port.PrivatePort;
            var key = port.Type;
            if (!string.IsNullOrEmpty(port.IP))
            {
                if (port.PublicPort != current)
                {
                    hostMappings.Add($"{JoinHostPort(port.IP, port.PublicPort.ToString(CultureInfo.InvariantCulture))}->{port.PrivatePort}/{port.Type}");
                    continue;
                }
                key = port.IP + "/" + port.Type;
            }
            if (!groups.TryGetValue(key, out var g))
            {
                groups[key] = (current, current);
                order.Add(key);
                continue;
            }
            if (current == g.Last + 1)
            {
                groups[key] = (g.First, current);
                continue;
            }
            result.Add(FormGroup(key, g.First, g.Last));
            groups[key] = (current, current);
        }
        foreach (var key in order)
            result.Add(FormGroup(key, groups[key].First, groups[key].Last));
        result.AddRange(hostMappings);
        return string.Join(", ", result);
    }

    private static int Compare(PortSummary a, PortSummary b)
    {
        if (a.PrivatePort != b.PrivatePort) return a.PrivatePort.CompareTo(b.PrivatePort);
        var ip = string.CompareOrdinal(a.IP ?? "", b.IP ?? "");
        if (ip != 0) return ip;
        if (a.PublicPort != b.PublicPort) return a.PublicPort.CompareTo(b.PublicPort);
        return string.CompareOrdinal(a.Type, b.Type);
    }

    private static string FormGroup(string key, int first, int last)
    {
        var slash = key.LastIndexOf('/');
        var ip = slash >= 0 ? key[..slash] : "";
        var type = slash >= 0 ? key[(slash + 1)..] : key;
        var group = first.ToString(CultureInfo.InvariantCulture);
        if (first != last) group += "-" + last.ToString(CultureInfo.InvariantCulture);
        if (ip != "") group = $"{JoinHostPort(ip, group)}->{group}";
        return group + "/" + type;
    }

    // Go's net.JoinHostPort, as docker 28 uses: IPv6 literals get brackets ("[::]:8080->80/tcp").
    private static string JoinHostPort(string host, string port) =>
        host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
