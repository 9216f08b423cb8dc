using System.Runtime.InteropServices;

namespace Berth.Actors.Containers.Bundle;

/// <summary>This machine's architecture in seccomp's and in docker's (Go's) spelling, and the compat ABIs that run on it.</summary>
public sealed record SeccompArch(string Native, string GoName, IReadOnlyList<string> SubArchitectures)
{
    public static readonly SeccompArch X86_64 = new("SCMP_ARCH_X86_64", "amd64", ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    public static readonly SeccompArch Aarch64 = new("SCMP_ARCH_AARCH64", "arm64", ["SCMP_ARCH_ARM"]);

    public static SeccompArch Host { get; } = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? Aarch64 : X86_64;

    /// <summary>The native architecture first, then its compat ABIs: a 32-bit binary must meet the same filter.</summary>
    public List<string> All => [Native, .. SubArchitectures];
}
