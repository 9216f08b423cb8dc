using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>docker update as a pure function: dockerd's 400s, "zero means unchanged", and what reaches the live cgroup.</summary>
public sealed class ResourceUpdateSpecs
{
    private static readonly ContainerSpec Plain = new();

    private static ContainerSpec With(ContainerResources r) => Plain with { Resources = r };

    private static string Refused(ContainerSpec current, ContainerResourceUpdate u, int cpus = 2)
    {
        var (merged, error) = ResourceUpdate.Merge(current, u, cpus);
        Assert.Null(merged);
        return error!;
    }

    private static ContainerResourcesUpdated Merged(ContainerSpec current, ContainerResourceUpdate u)
    {
        var (merged, error) = ResourceUpdate.Merge(current, u, 2);
        Assert.Null(error);
        return merged!;
    }

    [Fact]
    public void Zero_fields_leave_the_current_values_and_given_ones_replace_them()
    {
        var current = With(new() { Memory = 64 << 20, CpuShares = 512, PidsLimit = 10 });
        var m = Merged(current, new ContainerResourceUpdate { PidsLimit = 64, RestartPolicy = RestartPolicy.Named("always", 0)! });
        Assert.Equal((64L << 20, 512L, 64L, RestartPolicyKind.Always), (m.Resources.Memory, m.Resources.CpuShares, m.Resources.PidsLimit!.Value, m.Restart.Kind));
    }

    [Fact]
    public void A_negative_pids_limit_means_unlimited()
    {
        Assert.Null(Merged(With(new() { PidsLimit = 10 }), new ContainerResourceUpdate { PidsLimit = -1 }).Resources.PidsLimit);
        Assert.Equal(-1, ResourceUpdate.ToCgroup(new ContainerResourceUpdate { PidsLimit = -1 })!.Pids!.Limit);
    }

    [Fact]
    public void Memory_limits_are_checked_like_dockerd()
    {
        Assert.Equal("Minimum memory limit allowed is 6MB", Refused(Plain, new ContainerResourceUpdate { Memory = 1 << 20 }));
        Assert.Equal("Minimum memoryswap limit should be larger than memory limit, see usage",
            Refused(Plain, new ContainerResourceUpdate { Memory = 64 << 20, MemorySwap = 32 << 20 }));
        Assert.Equal("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time",
            Refused(With(new() { Memory = 32 << 20, MemorySwap = 64 << 20 }), new ContainerResourceUpdate { Memory = 128 << 20 }));
        Assert.Equal("Minimum memory limit can not be less than memory reservation limit, see usage",
            Refused(With(new() { Memory = 32 << 20 }), new ContainerResourceUpdate { MemoryReservation = 64 << 20 }));
        Assert.Equal("You should always set the Memory limit when using Memoryswap limit, see usage",
            Refused(Plain, new ContainerResourceUpdate { MemorySwap = 64 << 20 }));
    }

    [Fact]
    public void Cpu_limits_are_checked_like_dockerd()
    {
        Assert.Equal("Conflicting options: Nano CPUs and CPU Period cannot both be set",
            Refused(Plain, new ContainerResourceUpdate { NanoCpus = 500_000_000, CpuPeriod = 100000 }));
        Assert.Equal("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set",
            Refused(With(new() { NanoCpus = 1_000_000_000 }), new ContainerResourceUpdate { CpuQuota = 50000 }));
        Assert.Equal("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
            Refused(Plain, new ContainerResourceUpdate { NanoCpus = 3_000_000_000 }));
        Assert.Equal("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
            Refused(Plain, new ContainerResourceUpdate { CpuPeriod = 10 }));
        Assert.Equal("Invalid value 0-a for cpuset cpus", Refused(Plain, new ContainerResourceUpdate { CpusetCpus = "0-a" }));
        Assert.Equal("Requested CPUs are not available - requested 0-3, available: 0-1", Refused(Plain, new ContainerResourceUpdate { CpusetCpus = "0-3" }));
    }

    [Fact]
    public void Restart_policies_are_checked_like_dockerd()
    {
        // A policy name docker does not know is refused where docker's names are read (ContainerSpecMapper in Host).
        Assert.Equal("invalid restart policy: maximum retry count can only be used with 'on-failure'",
            Refused(Plain, new ContainerResourceUpdate { RestartPolicy = RestartPolicy.Named("always", 3)! }));
        Assert.Equal("Restart policy cannot be updated because AutoRemove is enabled for the container",
            Refused(Plain with { AutoRemove = true }, new ContainerResourceUpdate { RestartPolicy = RestartPolicy.Named("always", 0)! }));
    }

    [Fact]
    public void Nano_cpus_become_a_cfs_quota_over_a_100ms_period()
    {
        var cpu = ResourceUpdate.ToCgroup(new ContainerResourceUpdate { NanoCpus = 1_500_000_000 })!.Cpu!;
        Assert.Equal((150000L, 100000UL), (cpu.Quota!.Value, cpu.Period!.Value));
    }

    [Fact]
    public void A_restart_policy_alone_touches_no_cgroup()
    {
        Assert.Null(ResourceUpdate.ToCgroup(new ContainerResourceUpdate { RestartPolicy = RestartPolicy.Named("always", 0)! }));
        var memory = ResourceUpdate.ToCgroup(new ContainerResourceUpdate { Memory = 64 << 20 })!.Memory!;
        Assert.Equal((64L << 20, (long?)null), (memory.Limit!.Value, memory.Swap));
    }
}
