namespace Berth.Actors.Containers;

/// <summary>The daemon's facts the containers need: roots, the shim binary and the OCI runtimes by name.</summary>
public sealed record ContainerSettings(
    string DataRoot,
    string ExecRoot,
    string ShimBinary,
    IReadOnlyDictionary<string, string> Runtimes,
    string DefaultRuntime)
{
    public ContainerPaths PathsOf(string id) => new(DataRoot, ExecRoot, id);
}
