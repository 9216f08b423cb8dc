using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>The cgroup limits of a container (memory, cpu, cpuset, pids) and its ulimits, as docker's spec carries them.</summary>
public static class OciResources
{
    private const long CfsPeriod = 100_000;

    public static Resources? Build(ContainerResources h)
    {
        var r = new Resources();
        if (h.Memory > 0 || h.MemoryReservation > 0 || h.MemorySwap != 0)
            r.Memory = new Memory
            {
                Limit = h.Memory > 0 ? h.Memory : null,
                Reservation = h.MemoryReservation > 0 ? h.MemoryReservation : null,
                Swap = h.MemorySwap != 0 ? h.MemorySwap : null,
            };
        var cpu = new Cpu();
        if (h.NanoCpus > 0)
        {
            cpu.Period = CfsPeriod;
            cpu.Quota = h.NanoCpus * CfsPeriod / 1_000_000_000;
        }
        if (h.CpuPeriod > 0) cpu.Period = (ulong)h.CpuPeriod;
        if (h.CpuQuota != 0) cpu.Quota = h.CpuQuota;
        if (h.CpuShares > 0) cpu.Shares = (ulong)h.CpuShares;
        if (h.CpusetCpus.Length > 0) cpu.Cpus = h.CpusetCpus;
        if (h.CpusetMems.Length > 0) cpu.Mems = h.CpusetMems;
        if (cpu.Period != null || cpu.Quota != null || cpu.Shares != null || cpu.Cpus != null || cpu.Mems != null) r.Cpu = cpu;
        // docker: 0 or a negative limit means unlimited.
        if (h.PidsLimit is > 0 and var pids) r.Pids = new Pids { Limit = pids };
        return r.Memory == null && r.Cpu == null && r.Pids == null ? null : r;
    }

    public static List<Rlimit>? Rlimits(ContainerResources h) =>
        h.Ulimits is { Count: > 0 } u
            ? u.Select(x => new Rlimit { Type = "RLIMIT_" + x.Name.ToUpperInvariant(), Soft = (ulong)x.Soft, Hard = (ulong)x.Hard }).ToList()
            : null;
}
