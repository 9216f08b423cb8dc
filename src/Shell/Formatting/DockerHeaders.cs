namespace Berth.Shell.Formatting;

/// <summary>docker's table column titles per listing, keyed by template field name (cli/command/formatter).</summary>
public static class DockerHeaders
{
    public const string ContainerId = "CONTAINER ID";
    public const string Image = "IMAGE";
    public const string Command = "COMMAND";
    public const string Created = "CREATED";
    public const string CreatedAt = "CREATED AT";
    public const string Status = "STATUS";
    public const string Ports = "PORTS";
    public const string Names = "NAMES";
    public const string Size = "SIZE";
    public const string Labels = "LABELS";
    public const string State = "STATE";

    /// <summary>docker ps (container ls).</summary>
    public static readonly IReadOnlyDictionary<string, string> Containers = new Dictionary<string, string>
    {
        ["ID"] = ContainerId, ["Names"] = Names, ["Image"] = Image, ["Command"] = Command,
        ["CreatedAt"] = CreatedAt, ["RunningFor"] = Created, ["Ports"] = Ports, ["State"] = State,
        ["Status"] = Status, ["Size"] = Size, ["Labels"] = Labels, ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES", ["Networks"] = "NETWORKS", ["Platform"] = "PLATFORM",
    };

    /// <summary>docker images (image ls).</summary>
    public static readonly IReadOnlyDictionary<string, string> Images = new Dictionary<string, string>
    {
        ["ID"] = "IMAGE ID", ["Repository"] = "REPOSITORY", ["Tag"] = "TAG", ["Digest"] = "DIGEST",
        ["CreatedSince"] = Created, ["CreatedAt"] = CreatedAt, ["Size"] = Size, ["Containers"] = "CONTAINERS",
        ["VirtualSize"] = "VIRTUAL SIZE", ["SharedSize"] = "SHARED SIZE", ["UniqueSize"] = "UNIQUE SIZE",
    };

    /// <summary>docker network ls.</summary>
    public static readonly IReadOnlyDictionary<string, string> Networks = new Dictionary<string, string>
    {
        ["ID"] = "NETWORK ID", ["Name"] = "NAME", ["Driver"] = "DRIVER", ["Scope"] = "SCOPE",
        ["IPv4"] = "IPV4", ["IPv6"] = "IPV6", ["Internal"] = "INTERNAL", ["Labels"] = Labels, ["CreatedAt"] = CreatedAt,
    };

    /// <summary>docker volume ls.</summary>
    public static readonly IReadOnlyDictionary<string, string> Volumes = new Dictionary<string, string>
    {
        ["Name"] = "VOLUME NAME", ["Driver"] = "DRIVER", ["Scope"] = "SCOPE", ["Mountpoint"] = "MOUNTPOINT",
        ["Labels"] = Labels, ["Links"] = "LINKS", ["Size"] = Size,
    };

    /// <summary>docker stats.</summary>
    public static readonly IReadOnlyDictionary<string, string> Stats = new Dictionary<string, string>
    {
        ["Container"] = "CONTAINER", ["ID"] = ContainerId, ["Name"] = "NAME", ["CPUPerc"] = "CPU %",
        ["MemUsage"] = "MEM USAGE / LIMIT", ["MemPerc"] = "MEM %", ["NetIO"] = "NET I/O",
        ["BlockIO"] = "BLOCK I/O", ["PIDs"] = "PIDS",
    };

    /// <summary>docker history.</summary>
    public static readonly IReadOnlyDictionary<string, string> History = new Dictionary<string, string>
    {
        ["ID"] = Image, ["CreatedSince"] = Created, ["CreatedAt"] = CreatedAt, ["CreatedBy"] = "CREATED BY",
        ["Size"] = Size, ["Comment"] = "COMMENT",
    };
}
