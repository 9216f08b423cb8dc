using System.Text.RegularExpressions;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Containers;

/// <summary>
/// docker update, as a pure function: checks an update against the container's current spec with docker's
/// messages, merges it (zero means "unchanged"), and says what to write to the live cgroup.
/// </summary>
public static partial class ResourceUpdate
{
    /// <summary>docker's linuxMinMemory.</summary>
    public const long MinimumMemory = 6 * 1024 * 1024;

    private const long CfsPeriod = 100_000;

    /// <summary>The container's resources and restart policy after the update, or docker's 400 message.</summary>
    public static (ContainerResourcesUpdated? Merged, string? Error) Merge(ContainerSpec spec, ContainerResourceUpdate u, int hostCpus)
    {
        var current = spec.Resources;
        if (Check(current, spec.AutoRemove, u, hostCpus) is { } error) return (null, error);
        var merged = current with
        {
            Memory = u.Memory != 0 ? u.Memory : current.Memory,
            MemorySwap = u.MemorySwap != 0 ? u.MemorySwap : current.MemorySwap,
            MemoryReservation = u.MemoryReservation != 0 ? u.MemoryReservation : current.MemoryReservation,
            NanoCpus = u.NanoCpus != 0 ? u.NanoCpus : current.NanoCpus,
            CpuShares = u.CpuShares != 0 ? u.CpuShares : current.CpuShares,
            CpuPeriod = u.CpuPeriod != 0 ? u.CpuPeriod : current.CpuPeriod,
            CpuQuota = u.CpuQuota != 0 ? u.CpuQuota : current.CpuQuota,
            CpusetCpus = u.CpusetCpus is { Length: > 0 } c ? c : current.CpusetCpus,
            CpusetMems = u.CpusetMems is { Length: > 0 } m ? m : current.CpusetMems,
            PidsLimit = u.PidsLimit is { } p && p != 0 ? (p > 0 ? p : null) : current.PidsLimit,
        };
        return (new ContainerResourcesUpdated(merged, u.RestartPolicy ?? spec.Restart), null);
    }

    /// <summary>What changes in the live cgroup; null when the update touches no cgroup limit (a restart policy only).</summary>
    public static Resources? ToCgroup(ContainerResourceUpdate u)
    {
        var r = new Resources();
        if (u.Memory != 0 || u.MemorySwap != 0 || u.MemoryReservation != 0)
            r.Memory = new Memory
            {
                Limit = u.Memory != 0 ? u.Memory : null,
                Swap = u.MemorySwap != 0 ? u.MemorySwap : null,
                Reservation = u.MemoryReservation != 0 ? u.MemoryReservation : null,
            };
        if (u.CpuShares != 0 || u.CpuPeriod != 0 || u.CpuQuota != 0 || u.NanoCpus != 0 || u.CpusetCpus.Length > 0 || u.CpusetMems.Length > 0)
            r.Cpu = new Cpu
            {
                Shares = u.CpuShares != 0 ? (ulong)u.CpuShares : null,
                Period = u.NanoCpus != 0 ? CfsPeriod : u.CpuPeriod != 0 ? (ulong)u.CpuPeriod : null,
                Quota = u.NanoCpus != 0 ? u.NanoCpus * (long)CfsPeriod / 1_000_000_000 : u.CpuQuota != 0 ? u.CpuQuota : null,
                Cpus = u.CpusetCpus.Length > 0 ? u.CpusetCpus : null,
                Mems = u.CpusetMems.Length > 0 ? u.CpusetMems : null,
            };
        if (u.PidsLimit is { } p && p != 0) r.Pids = new Pids { Limit = p > 0 ? p : -1 };
        return r.Memory == null && r.Cpu == null && r.Pids == null ? null : r;
    }

    private static string? Check(ContainerResources current, bool autoRemove, ContainerResourceUpdate u, int hostCpus)
    {
        if (u.Memory != 0 && u.Memory < MinimumMemory) return "Minimum memory limit allowed is 6MB";
        if (u.Memory > 0 && u.MemorySwap == 0 && current.MemorySwap > 0 && u.Memory > current.MemorySwap)
            return "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time";
        var memory = u.Memory != 0 ? u.Memory : current.Memory;
        var swap = u.MemorySwap != 0 ? u.MemorySwap : current.MemorySwap;
        var reservation = u.MemoryReservation != 0 ? u.MemoryReservation : current.MemoryReservation;
        if (swap > 0 && memory <= 0) return "You should always set the Memory limit when using Memoryswap limit, see usage";
        if (swap > 0 && swap < memory) return "Minimum memoryswap limit should be larger than memory limit, see usage";
        if (reservation > 0 && memory > 0 && memory < reservation)
            return "Minimum memory limit can not be less than memory reservation limit, see usage";

        if (u.NanoCpus != 0 && u.CpuPeriod != 0) return "Conflicting options: Nano CPUs and CPU Period cannot both be set";
        if (u.NanoCpus != 0 && u.CpuQuota != 0) return "Conflicting options: Nano CPUs and CPU Quota cannot both be set";
        if (u.NanoCpus != 0 && (current.CpuPeriod != 0 || current.CpuQuota != 0))
            return "Conflicting options: Nano CPUs cannot be updated as CPU Period/Quota has already been set";
        if (u.CpuPeriod != 0 && current.NanoCpus != 0) return "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set";
        if (u.CpuQuota != 0 && current.NanoCpus != 0) return "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set";
        if (u.NanoCpus < 0 || u.NanoCpus > hostCpus * 1_000_000_000L)
            return $"Range of CPUs is from 0.01 to {hostCpus}.00, as there are only {hostCpus} CPUs available";
        if (u.CpuPeriod != 0 && u.CpuPeriod is < 1000 or > 1_000_000)
            return "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)";
        if (u.CpuQuota > 0 && u.CpuQuota < 1000) return "CPU cfs quota can not be less than 1ms (i.e. 1000)";
        if (u.CpuShares < 0) return "CPU shares can not be negative";
        if (u.CpusetCpus.Length > 0)
        {
            if (!CpuList().IsMatch(u.CpusetCpus)) return $"Invalid value {u.CpusetCpus} for cpuset cpus";
            if (CpusOf(u.CpusetCpus).Any(c => c >= hostCpus))
                return $"Requested CPUs are not available - requested {u.CpusetCpus}, available: {(hostCpus == 1 ? "0" : $"0-{hostCpus - 1}")}";
        }
        if (u.CpusetMems.Length > 0 && !CpuList().IsMatch(u.CpusetMems)) return $"Invalid value {u.CpusetMems} for cpuset mems";
        return u.RestartPolicy is { } r ? CheckRestartPolicy(r, autoRemove) : null;
    }

    /// <summary>An unknown policy name never gets here: the edge that reads docker's names refuses it.</summary>
    private static string? CheckRestartPolicy(RestartPolicy r, bool autoRemove)
    {
        if (r.MaximumRetryCount < 0) return "invalid restart policy: maximum retry count cannot be negative";
        if (r.MaximumRetryCount > 0 && r.Kind != RestartPolicyKind.OnFailure)
            return "invalid restart policy: maximum retry count can only be used with 'on-failure'";
        if (autoRemove && !r.IsNone)
            return "Restart policy cannot be updated because AutoRemove is enabled for the container";
        return null;
    }

    private static IEnumerable<int> CpusOf(string list) =>
        list.Split(',').SelectMany(part =>
        {
            var ends = part.Split('-').Select(int.Parse).ToArray();
            return Enumerable.Range(ends[0], ends.Length == 2 ? Math.Max(ends[1] - ends[0] + 1, 0) : 1);
        });

    [GeneratedRegex(@"^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$")]
    private static partial Regex CpuList();
}
