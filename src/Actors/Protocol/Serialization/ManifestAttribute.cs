namespace Berth.Actors.Protocol.Serialization;

/// <summary>The stable name a protocol type is stored and sent under; never reuse or change one that has shipped.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ManifestAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
