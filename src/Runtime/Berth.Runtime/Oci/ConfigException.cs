namespace Berth.Runtime.Oci;

/// <summary>config.json cannot be applied: names the offending field and the reason.</summary>
public sealed class ConfigException(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}
