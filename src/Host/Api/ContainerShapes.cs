using Berth.Actors.Containers;
using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>docker's JSON shapes of a container: inspect, the ps summary, and the ps filters.</summary>
public static class ContainerShapes
{
    private const string GoZeroTime = "0001-01-01T00:00:00Z";

    public static object Inspect(ContainerView v) => new
    {
        v.Id,
        Created = Time(v.Created),
        v.Path,
        v.Args,
        State = new
        {
            v.State.Status, v.State.Running, v.State.Paused, v.State.Restarting, v.State.OOMKilled, v.State.Dead, v.State.Pid,
            v.State.ExitCode, v.State.Error, StartedAt = Time(v.State.StartedAt), FinishedAt = Time(v.State.FinishedAt),
            Health = HealthShape(v.State.Health),
        },
        v.Image,
        ResolvConfPath = EtcFiles.ResolvConf(ContainerDir(v)),
        HostnamePath = EtcFiles.Hostname(ContainerDir(v)),
        HostsPath = EtcFiles.Hosts(ContainerDir(v)),
        v.LogPath,
        v.Name,
        v.State.RestartCount,
        Driver = "overlay2",
        Platform = "linux",
        MountLabel = "",
        ProcessLabel = "",
        AppArmorProfile = "",
        v.ExecIDs,
        HostConfig = HostConfigShape.Inspect(v),
        GraphDriver = new { Data = (object?)null, Name = "overlay2" },
        Mounts = HostConfigShape.Mounts(v.Spec),
        Config = ContainerSpecMapper.ToConfig(v.Spec),
        NetworkSettings = new
        {
            Bridge = "", SandboxID = "", HairpinMode = false, LinkLocalIPv6Address = "", LinkLocalIPv6PrefixLen = 0,
            Ports = new Dictionary<string, object>(), SandboxKey = "", Gateway = "", IPAddress = "", IPPrefixLen = 0, MacAddress = "",
            Networks = Networks(v),
        },
    };

    public static object Summary(ContainerView v, DateTimeOffset now) => new
    {
        v.Id,
        Names = new[] { v.Name },
        Image = v.ImageName,
        ImageID = v.Image,
        Command = string.Join(' ', new[] { v.Path }.Concat(v.Args)),
        Created = v.Created.ToUnixTimeSeconds(),
        Ports = Array.Empty<object>(),
        Labels = v.Spec.Labels ?? new Dictionary<string, string>(),
        State = v.State.Status,
        Status = Describe(v, now),
        HostConfig = new { NetworkMode = NetworkMode(v) },
        NetworkSettings = new { Networks = Networks(v) },
        Mounts = HostConfigShape.Mounts(v.Spec),
    };

    private static string Describe(ContainerView v, DateTimeOffset now)
    {
        var s = v.State;
        if (s.Paused) return $"Up {ContainerState.HumanDuration(now - (s.StartedAt ?? now))} (Paused)";
        if (s.Restarting) return $"Restarting ({s.ExitCode}) {ContainerState.HumanDuration(now - (s.FinishedAt ?? now))} ago";
        if (s.Running) return $"Up {ContainerState.HumanDuration(now - (s.StartedAt ?? now))}{HealthSuffix(s.Health)}";
        return s.Status switch
        {
            "exited" when s.FinishedAt is { } f => $"Exited ({s.ExitCode}) {ContainerState.HumanDuration(now - f)} ago",
            "removing" => "Removal In Progress",
            "dead" => "Dead",
            _ => "Created",
        };
    }

    /// <summary>The container's directory (its json-file log lives there, named by id).</summary>
    private static string ContainerDir(ContainerView v) => Path.GetDirectoryName(v.LogPath) ?? "";

    /// <summary>
    /// The one network the container is on, named honestly (see <see cref="ContainerNetwork"/>): "none" for docker's
    /// default bridge mode until berth has networks, "host" for host. The endpoint has no address, as dockerd's for none.
    /// </summary>
    private static Dictionary<string, object> Networks(ContainerView v) => new()
    {
        [ContainerNetwork.Effective(v.Spec.Network.Mode)] = new
        {
            IPAMConfig = (object?)null, Links = (object?)null, Aliases = (object?)null, MacAddress = "", DriverOpts = (object?)null,
            NetworkID = "", EndpointID = "", Gateway = "", IPAddress = "", IPPrefixLen = 0, IPv6Gateway = "",
            GlobalIPv6Address = "", GlobalIPv6PrefixLen = 0, DNSNames = (object?)null,
        },
    };

    public static string NetworkMode(ContainerView v) => v.Spec.Network.Mode is { Length: > 0 } n ? n : "default";

    /// <summary>docker ps: "Up 3 seconds (healthy)", "Up 1 second (health: starting)".</summary>
    private static string HealthSuffix(HealthView? h) => h == null ? "" : h.Status == "starting" ? " (health: starting)" : $" ({h.Status})";

    private static object? HealthShape(HealthView? h) => h == null ? null : new
    {
        h.Status,
        h.FailingStreak,
        Log = h.Log.Select(l => new { Start = Time(l.Start), End = Time(l.End), l.ExitCode, l.Output }).ToList(),
    };


    /// <summary>RFC 3339 with nanoseconds like Go; unset times are Go's zero time.</summary>
    private static string Time(DateTimeOffset? t) => t is { } x ? x.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'") : GoZeroTime;
}
