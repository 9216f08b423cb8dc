using System.Runtime.InteropServices;

namespace Berth.Host.Facts;

/// <summary>What the machine is, read from the kernel: uname, os-release, CPUs, memory, cgroup layout.</summary>
public sealed record HostFacts(
    string KernelVersion, string OperatingSystem, string OsVersion, string Architecture, string GoArch,
    int Cpus, long MemoryBytes, string CgroupVersion, string Hostname)
{
    public static HostFacts Read()
    {
        var osRelease = ReadOsRelease();
        return new HostFacts(
            KernelVersion: File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            OperatingSystem: osRelease.GetValueOrDefault("PRETTY_NAME", "Linux"),
            OsVersion: osRelease.GetValueOrDefault("VERSION_ID", ""),
            Architecture: Uname(),
            GoArch: RuntimeInformation.OSArchitecture switch
            {
                System.Runtime.InteropServices.Architecture.X64 => "amd64", System.Runtime.InteropServices.Architecture.Arm64 => "arm64", System.Runtime.InteropServices.Architecture.Arm => "arm",
                var a => a.ToString().ToLowerInvariant(),
            },
            Cpus: Environment.ProcessorCount,
            MemoryBytes: ReadMemTotal(),
            CgroupVersion: CgroupLayout(),
            Hostname: Environment.MachineName);
    }

    /// <summary>"2" on a pure cgroup2 host; "1" when v1 controllers are mounted (also in the hybrid layout, where v1 rules).</summary>
    public static string CgroupLayout() =>
        File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";

    private static string Uname() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64", System.Runtime.InteropServices.Architecture.Arm64 => "aarch64", var a => a.ToString().ToLowerInvariant(),
    };

    private static long ReadMemTotal()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    private static Dictionary<string, string> ReadOsRelease()
    {
        var map = new Dictionary<string, string>();
        foreach (var path in new[] { "/etc/os-release", "/usr/lib/os-release" })
        {
            if (!File.Exists(path)) continue;
            foreach (var line in File.ReadLines(path))
            {
                var eq = line.IndexOf('=');
                if (eq > 0) map[line[..eq]] = line[(eq + 1)..].Trim('"');
            }
            break;
        }
        return map;
    }
}
