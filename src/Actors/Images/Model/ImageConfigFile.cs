using System.Globalization;
using System.Text.Json.Serialization;
using Berth.Actors.Images.Content;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Model;

/// <summary>
/// The image config blob (OCI image config / Docker image v1 JSON). Its digest is the image ID, so a config read from
/// the store is never re-serialised; this type is the typed view of those bytes and the writer of new configs.
/// </summary>
public sealed record ImageConfigFile
{
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Author { get; init; }
    [JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Comment { get; init; }
    [JsonPropertyName("config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ContainerConfig? Config { get; init; }
    [JsonPropertyName("container"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Container { get; init; }
    [JsonPropertyName("container_config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ContainerConfig? ContainerConfig { get; init; }
    /// <summary>RFC 3339 text exactly as stored (nanoseconds survive; DateTimeOffset keeps only 100 ns).</summary>
    [JsonPropertyName("created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Created { get; init; }
    [JsonPropertyName("docker_version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? DockerVersion { get; init; }
    [JsonPropertyName("history"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HistoryEntry>? History { get; init; }
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OsVersion { get; init; }
    [JsonPropertyName("parent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Parent { get; init; }
    [JsonPropertyName("rootfs")] public RootFs RootFs { get; init; } = new();
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }

    [JsonIgnore] public DateTimeOffset CreatedTime => Time.Parse(Created);

    public static ImageConfigFile Parse(ReadOnlySpan<byte> json)
    {
        var config = OciJson.Deserialize<ImageConfigFile>(json, "image config");
        if (config.RootFs.Type != "layers") throw new InvalidDataException($"image config has unsupported rootfs type \"{config.RootFs.Type}\"");
        return config;
    }
}

/// <summary>rootfs: the layer diffIDs, base first.</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")] public string Type { get; init; } = "layers";
    [JsonPropertyName("diff_ids")] public IReadOnlyList<Digest> DiffIds { get; init; } = [];
}

/// <summary>One history record of an image config.</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Created { get; init; }
    [JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Author { get; init; }
    [JsonPropertyName("created_by"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CreatedBy { get; init; }
    [JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Comment { get; init; }
    [JsonPropertyName("empty_layer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool EmptyLayer { get; init; }
}

/// <summary>RFC 3339 with nanoseconds, the way Go prints and parses time.Time.</summary>
public static class Time
{
    /// <summary>Go's zero time, printed for "never" (e.g. Metadata.LastTagTime of an image never tagged).</summary>
    public const string Zero = "0001-01-01T00:00:00Z";

    public static string Format(DateTimeOffset t)
    {
        var s = t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return s + "Z";
    }

    public static DateTimeOffset Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return DateTimeOffset.MinValue;
        // .NET takes at most 7 fractional digits; Go writes up to 9.
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = text[..(dot + 8)] + text[end..];
        }
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
