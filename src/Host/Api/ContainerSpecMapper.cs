using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>
/// The one place docker's container shapes meet berth's: a create request (Config + HostConfig) and an update body
/// become a <see cref="ContainerSpec"/> and a <see cref="ContainerResourceUpdate"/>, and a spec becomes docker's
/// Config and HostConfig again for inspect and ps. What a spec cannot say (a restart policy or mount type docker does
/// not know) is refused here with docker's message. Going there and back gives the shapes that came in.
/// </summary>
public static class ContainerSpecMapper
{
    /// <summary>A create request as berth's spec; throws a 400 <see cref="ApiException"/> for what berth's types cannot hold.</summary>
    public static ContainerSpec ToSpec(ContainerConfig c, ContainerHostConfig h) => new()
    {
        Image = c.Image,
        Hostname = c.Hostname,
        Domainname = c.Domainname,
        Process = new ContainerProcess
        {
            Entrypoint = c.Entrypoint,
            Command = c.Cmd,
            Env = c.Env,
            User = c.User,
            WorkingDir = c.WorkingDir,
            Shell = c.Shell,
            ArgsEscaped = c.ArgsEscaped,
            Init = h.Init,
        },
        Stdio = new ContainerStdio
        {
            Tty = c.Tty,
            OpenStdin = c.OpenStdin,
            StdinOnce = c.StdinOnce,
            AttachStdin = c.AttachStdin,
            AttachStdout = c.AttachStdout,
            AttachStderr = c.AttachStderr,
        },
        Labels = c.Labels,
        StopSignal = c.StopSignal,
        StopTimeout = c.StopTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Health = HealthCheck.Settings(c.Healthcheck),
        // docker accepts "" with a retry count at create and shows "no": the count is dropped.
        Restart = h.RestartPolicy is { Name.Length: > 0 } r ? Restart(r) : RestartPolicy.None,
        AutoRemove = h.AutoRemove,
        Runtime = h.Runtime,
        Resources = Resources(h),
        Mounts = new ContainerMounts
        {
            Binds = h.Binds,
            Mounts = h.Mounts?.Select(Mount).ToList(),
            Tmpfs = h.Tmpfs,
            Volumes = c.Volumes?.Keys.ToList(),
        },
        Security = new ContainerSecurity
        {
            Privileged = h.Privileged,
            ReadonlyRootfs = h.ReadonlyRootfs,
            CapAdd = h.CapAdd,
            CapDrop = h.CapDrop,
            Options = h.SecurityOpt,
            Devices = h.Devices?.Select(d => new DeviceMapping(d.PathOnHost, d.PathInContainer, d.CgroupPermissions)).ToList(),
            DeviceCgroupRules = h.DeviceCgroupRules,
            Sysctls = h.Sysctls,
        },
        Logging = new LogSettings { Driver = h.LogConfig?.Type ?? "", Options = h.LogConfig?.Config },
        Network = new ContainerNetworking
        {
            Mode = h.NetworkMode,
            Dns = h.Dns,
            DnsOptions = h.DnsOptions,
            DnsSearch = h.DnsSearch,
            ExtraHosts = h.ExtraHosts,
            PortBindings = h.PortBindings?.ToDictionary(p => p.Key,
                p => (IReadOnlyList<PortBinding>)(p.Value ?? []).Select(b => new PortBinding(b.HostIp, b.HostPort)).ToList()),
            ExposedPorts = c.ExposedPorts?.Keys.ToList(),
            MacAddress = c.MacAddress,
            Disabled = c.NetworkDisabled,
        },
        OnBuild = c.OnBuild,
    };

    /// <summary>docker update's body as berth's update; an unknown restart policy is refused (400).</summary>
    public static ContainerResourceUpdate ToUpdate(UpdateRequestBody u) => new()
    {
        Memory = u.Memory,
        MemorySwap = u.MemorySwap,
        MemoryReservation = u.MemoryReservation,
        NanoCpus = u.NanoCpus,
        CpuShares = u.CpuShares,
        CpuPeriod = u.CpuPeriod,
        CpuQuota = u.CpuQuota,
        CpusetCpus = u.CpusetCpus,
        CpusetMems = u.CpusetMems,
        PidsLimit = u.PidsLimit,
        // No name and no count leaves the policy as it is; a count without a name is checked (and refused) like docker.
        RestartPolicy = u.RestartPolicy is { Name: "", MaximumRetryCount: 0 } or null ? null : Restart(u.RestartPolicy),
    };

    /// <summary>The spec's resources and restart policy from a HostConfig alone (docker update's record of 0.1.0).</summary>
    public static ContainerResourcesUpdated ToResourcesUpdated(ContainerHostConfig h) =>
        new(Resources(h), h.RestartPolicy is { Name.Length: > 0 } r ? Restart(r) : RestartPolicy.None);

    /// <summary>docker's Config of a container, as inspect shows it.</summary>
    public static ContainerConfig ToConfig(ContainerSpec s) => new()
    {
        Hostname = s.Hostname,
        Domainname = s.Domainname,
        User = s.Process.User,
        AttachStdin = s.Stdio.AttachStdin,
        AttachStdout = s.Stdio.AttachStdout,
        AttachStderr = s.Stdio.AttachStderr,
        ExposedPorts = Set(s.Network.ExposedPorts),
        Tty = s.Stdio.Tty,
        OpenStdin = s.Stdio.OpenStdin,
        StdinOnce = s.Stdio.StdinOnce,
        Env = s.Process.Env,
        Cmd = s.Process.Command,
        Healthcheck = s.Health is { } h ? new HealthConfig
        {
            Test = h.Test,
            Interval = HealthCheck.Nanoseconds(h.Interval),
            Timeout = HealthCheck.Nanoseconds(h.Timeout),
            StartPeriod = HealthCheck.Nanoseconds(h.StartPeriod),
            Retries = h.Retries,
        } : null,
        ArgsEscaped = s.Process.ArgsEscaped,
        Image = s.Image,
        Volumes = Set(s.Mounts.Volumes),
        WorkingDir = s.Process.WorkingDir,
        Entrypoint = s.Process.Entrypoint,
        NetworkDisabled = s.Network.Disabled,
        MacAddress = s.Network.MacAddress,
        OnBuild = s.OnBuild,
        Labels = s.Labels,
        StopSignal = s.StopSignal,
        StopTimeout = s.StopTimeout is { } t ? (int)t.TotalSeconds : null,
        Shell = s.Process.Shell,
    };

    /// <summary>docker's HostConfig of a container as it was asked for (inspect adds docker's defaults: <see cref="HostConfigShape"/>).</summary>
    public static ContainerHostConfig ToHostConfig(ContainerSpec s) => new()
    {
        AutoRemove = s.AutoRemove,
        NetworkMode = s.Network.Mode,
        Runtime = s.Runtime,
        Binds = s.Mounts.Binds,
        Mounts = s.Mounts.Mounts?.Select(m => new MountSpec
        {
            Type = m.Kind.ToString().ToLowerInvariant(),
            Source = m.Source,
            Target = m.Target,
            ReadOnly = m.ReadOnly,
            BindOptions = m.Bind is { } b ? new BindOptionsSpec { Propagation = b.Propagation, NonRecursive = b.NonRecursive } : null,
            TmpfsOptions = m.Tmpfs is { } t ? new TmpfsOptionsSpec { SizeBytes = t.SizeBytes, Mode = t.Mode } : null,
        }).ToList(),
        Tmpfs = s.Mounts.Tmpfs,
        RestartPolicy = new RestartPolicySpec { Name = s.Restart.Name, MaximumRetryCount = s.Restart.MaximumRetryCount },
        LogConfig = new LogConfigSpec { Type = s.Logging.Driver, Config = s.Logging.Options },
        Memory = s.Resources.Memory,
        MemorySwap = s.Resources.MemorySwap,
        MemoryReservation = s.Resources.MemoryReservation,
        NanoCpus = s.Resources.NanoCpus,
        CpuShares = s.Resources.CpuShares,
        CpuPeriod = s.Resources.CpuPeriod,
        CpuQuota = s.Resources.CpuQuota,
        CpusetCpus = s.Resources.CpusetCpus,
        CpusetMems = s.Resources.CpusetMems,
        PidsLimit = s.Resources.PidsLimit,
        Ulimits = s.Resources.Ulimits?.Select(u => new UlimitSpec { Name = u.Name, Soft = u.Soft, Hard = u.Hard }).ToList(),
        CapAdd = s.Security.CapAdd,
        CapDrop = s.Security.CapDrop,
        Privileged = s.Security.Privileged,
        Devices = s.Security.Devices?.Select(d => new DeviceMappingSpec
            { PathOnHost = d.PathOnHost, PathInContainer = d.PathInContainer, CgroupPermissions = d.CgroupPermissions }).ToList(),
        DeviceCgroupRules = s.Security.DeviceCgroupRules,
        ReadonlyRootfs = s.Security.ReadonlyRootfs,
        SecurityOpt = s.Security.Options,
        Sysctls = s.Security.Sysctls,
        Init = s.Process.Init,
        ExtraHosts = s.Network.ExtraHosts,
        Dns = s.Network.Dns,
        DnsOptions = s.Network.DnsOptions,
        DnsSearch = s.Network.DnsSearch,
        ShmSize = s.Resources.ShmSize,
        OomScoreAdj = s.Resources.OomScoreAdj,
        PortBindings = s.Network.PortBindings?.ToDictionary(p => p.Key,
            p => (IReadOnlyList<PortBindingSpec>)p.Value.Select(b => new PortBindingSpec { HostIp = b.HostIp, HostPort = b.HostPort }).ToList()),
    };

    private static ContainerResources Resources(ContainerHostConfig h) => new()
    {
        Memory = h.Memory,
        MemorySwap = h.MemorySwap,
        MemoryReservation = h.MemoryReservation,
        NanoCpus = h.NanoCpus,
        CpuShares = h.CpuShares,
        CpuPeriod = h.CpuPeriod,
        CpuQuota = h.CpuQuota,
        CpusetCpus = h.CpusetCpus,
        CpusetMems = h.CpusetMems,
        PidsLimit = h.PidsLimit,
        Ulimits = h.Ulimits?.Select(u => new Ulimit(u.Name, u.Soft, u.Hard)).ToList(),
        ShmSize = h.ShmSize,
        OomScoreAdj = h.OomScoreAdj,
    };

    private static RestartPolicy Restart(RestartPolicySpec r) =>
        RestartPolicy.Named(r.Name, r.MaximumRetryCount) ?? throw ApiException.BadRequest(RestartPolicy.UnknownName(r.Name));

    private static ContainerMount Mount(MountSpec m) => new()
    {
        Kind = m.Type switch
        {
            "bind" => MountKind.Bind,
            "tmpfs" => MountKind.Tmpfs,
            "volume" => MountKind.Volume,
            _ => throw ApiException.BadRequest(UnknownMountType(m)),
        },
        Source = m.Source,
        Target = m.Target,
        ReadOnly = m.ReadOnly,
        Bind = m.BindOptions is { } b ? new BindMountOptions(b.Propagation, b.NonRecursive) : null,
        Tmpfs = m.TmpfsOptions is { } t ? new TmpfsMountOptions(t.SizeBytes, t.Mode) : null,
    };

    /// <summary>docker's refusal of a mount of a type it does not know, after the checks of its target that come first.</summary>
    private static string UnknownMountType(MountSpec m)
    {
        var kind = $"invalid mount config for type \"{m.Type}\"";
        if (m.Target.Length == 0) return $"{kind}: field Target must not be empty";
        if (!m.Target.StartsWith('/')) return $"{kind}: invalid mount path: '{m.Target}' mount path must be absolute";
        return $"invalid mount config: mount type unknown: \"{m.Type}\"";
    }

    /// <summary>docker's map-as-set ("80/tcp": {}), in the spec's order.</summary>
    private static Dictionary<string, EmptyObject>? Set(IReadOnlyList<string>? keys) =>
        keys?.ToDictionary(k => k, _ => EmptyObject.Instance);
}
