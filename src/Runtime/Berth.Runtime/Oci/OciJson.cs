using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Runtime.Containers;

namespace Berth.Runtime.Oci;

/// <summary>Source-generated JSON metadata for every OCI document we read or write (AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = false)]
[JsonSerializable(typeof(Spec))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(List<State>))]
[JsonSerializable(typeof(Features))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(LogLine))]
public sealed partial class OciJsonContext : JsonSerializerContext;

/// <summary>One line of the --log file in --log-format json.</summary>
public sealed class LogLine
{
    public string Level { get; set; } = "";
    public string Msg { get; set; } = "";
    public string Time { get; set; } = "";
}

/// <summary>Reads and writes OCI documents with clear errors.</summary>
public static class OciJson
{
    /// <summary>Parses config.json; a malformed document yields a ConfigException naming the field.</summary>
    public static Spec ParseSpec(string json) => ParseSpec(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Parses UTF-8 config.json bytes.</summary>
    public static Spec ParseSpec(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, OciJsonContext.Default.Spec)
                   ?? throw new ConfigException("config.json", "the document is null");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "config.json" : e.Path.TrimStart('$', '.');
            throw new ConfigException(field, "invalid JSON: " + FirstSentence(e.Message));
        }
    }

    public static Spec LoadSpec(string bundle)
    {
        var path = Path.Combine(bundle, "config.json");
        if (!File.Exists(path))
            throw new ConfigException("config.json", $"{path} does not exist");
        return ParseSpec(File.ReadAllBytes(path));
    }

    public static string Serialize(State s, bool indented = false) =>
        indented ? JsonSerializer.Serialize(s, Indented.State) : JsonSerializer.Serialize(s, OciJsonContext.Default.State);

    private static readonly OciJsonContext Indented = new(new JsonSerializerOptions(OciJsonContext.Default.Options) { WriteIndented = true });

    /// <summary>The same context, indented (for `state`, `spec`, `features`).</summary>
    public static OciJsonContext Pretty => Indented;

    private static string FirstSentence(string m)
    {
        var i = m.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? m[..i] : m;
    }
}
