using Berth.Actors.Containers;
using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>docker's HostConfig and Mounts in inspect: every field, in docker's order, with docker's defaults for what was not given.</summary>
public static class HostConfigShape
{
    public static Dictionary<string, object?> Inspect(ContainerView v)
    {
        var h = ContainerSpecMapper.ToHostConfig(v.Spec);
        var cgroupV2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        var shape = new Dictionary<string, object?>
        {
            ["Binds"] = h.Binds,
            ["ContainerIDFile"] = "",
            ["LogConfig"] = new { Type = LogDriver.Name(v.Spec.Logging), Config = v.Spec.Logging.Options ?? new Dictionary<string, string>() },
            ["NetworkMode"] = ContainerShapes.NetworkMode(v),
            ["PortBindings"] = new Dictionary<string, object>(),
            ["RestartPolicy"] = new { Name = h.RestartPolicy?.Name is { Length: > 0 } n ? n : "no", MaximumRetryCount = h.RestartPolicy?.MaximumRetryCount ?? 0 },
            ["AutoRemove"] = h.AutoRemove,
            ["VolumeDriver"] = "",
            ["VolumesFrom"] = null,
            ["ConsoleSize"] = new[] { 0, 0 },
            ["CapAdd"] = h.CapAdd,
            ["CapDrop"] = h.CapDrop,
            ["CgroupnsMode"] = cgroupV2 ? "private" : "host",
            ["Dns"] = h.Dns ?? [],
            ["DnsOptions"] = h.DnsOptions ?? [],
            ["DnsSearch"] = h.DnsSearch ?? [],
            ["ExtraHosts"] = h.ExtraHosts,
            ["GroupAdd"] = null,
            ["IpcMode"] = "private",
            ["Cgroup"] = "",
            ["Links"] = null,
            ["OomScoreAdj"] = h.OomScoreAdj,
            ["PidMode"] = "",
            ["Privileged"] = h.Privileged,
            ["PublishAllPorts"] = false,
            ["ReadonlyRootfs"] = h.ReadonlyRootfs,
            ["SecurityOpt"] = h.SecurityOpt is { Count: > 0 } ? h.SecurityOpt : null,
            ["UTSMode"] = "",
            ["UsernsMode"] = "",
            ["ShmSize"] = h.ShmSize > 0 ? h.ShmSize : OciMounts.DefaultShmSize,
            ["Runtime"] = h.Runtime is { Length: > 0 } r ? r : "berth-runtime",
            ["Isolation"] = "",
            ["CpuShares"] = h.CpuShares,
            ["Memory"] = h.Memory,
            ["NanoCpus"] = h.NanoCpus,
            ["CgroupParent"] = "",
            ["BlkioWeight"] = 0,
            ["BlkioWeightDevice"] = Array.Empty<object>(),
            ["BlkioDeviceReadBps"] = Array.Empty<object>(),
            ["BlkioDeviceWriteBps"] = Array.Empty<object>(),
            ["BlkioDeviceReadIOps"] = Array.Empty<object>(),
            ["BlkioDeviceWriteIOps"] = Array.Empty<object>(),
            ["CpuPeriod"] = h.CpuPeriod,
            ["CpuQuota"] = h.CpuQuota,
            ["CpuRealtimePeriod"] = 0,
            ["CpuRealtimeRuntime"] = 0,
            ["CpusetCpus"] = h.CpusetCpus,
            ["CpusetMems"] = h.CpusetMems,
            ["Devices"] = h.Devices ?? [],
            ["DeviceCgroupRules"] = h.DeviceCgroupRules,
            ["DeviceRequests"] = null,
            ["MemoryReservation"] = h.MemoryReservation,
            ["MemorySwap"] = h.MemorySwap,
            ["MemorySwappiness"] = null,
            ["OomKillDisable"] = cgroupV2 ? null : false,
            ["PidsLimit"] = h.PidsLimit is > 0 ? h.PidsLimit : null,
            ["Ulimits"] = h.Ulimits,
            ["CpuCount"] = 0,
            ["CpuPercent"] = 0,
            ["IOMaximumIOps"] = 0,
            ["IOMaximumBandwidth"] = 0,
        };
        if (h.Mounts is { Count: > 0 }) shape["Mounts"] = h.Mounts;
        shape["MaskedPaths"] = h.Privileged ? null : OciSecurity.MaskedPaths;
        shape["ReadonlyPaths"] = h.Privileged ? null : OciSecurity.ReadonlyPaths;
        if (h.Init != null) shape["Init"] = h.Init;
        if (h.Tmpfs is { Count: > 0 }) shape["Tmpfs"] = h.Tmpfs;
        if (h.Sysctls is { Count: > 0 }) shape["Sysctls"] = h.Sysctls;
        return shape;
    }

    /// <summary>docker's MountPoint list: binds and --mount entries (tmpfs from --tmpfs is not listed, like docker).</summary>
    public static List<object> Mounts(ContainerSpec spec)
    {
        var h = ContainerSpecMapper.ToHostConfig(spec);
        var list = new List<object>();
        foreach (var b in (h.Binds ?? []).Select(BindMount.Parse))
            list.Add(new { Type = "bind", b.Source, Destination = b.Target, b.Mode, RW = !b.ReadOnly, Propagation = b.Propagation is { Length: > 0 } p ? p : "rprivate" });
        foreach (var m in h.Mounts ?? [])
            list.Add(new
            {
                m.Type, m.Source, Destination = m.Target, Mode = "", RW = !m.ReadOnly,
                Propagation = m.Type == "bind" ? m.BindOptions?.Propagation is { Length: > 0 } p ? p : "rprivate" : "",
            });
        return list;
    }
}
