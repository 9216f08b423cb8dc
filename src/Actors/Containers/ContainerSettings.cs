namespace Berth.Actors.Containers;

/// <summary>The daemon's facts the containers need: roots, the shim binary, the OCI runtimes by name and the daemon's --log-opt defaults.</summary>
public sealed record ContainerSettings(
    string DataRoot,
    string ExecRoot,
    string ShimBinary,
    IReadOnlyDictionary<string, string> Runtimes,
    string DefaultRuntime,
    IReadOnlyDictionary<string, string>? LogOpts = null)
{
    public ContainerPaths PathsOf(string id) => new(DataRoot, ExecRoot, id);

    /// <summary>Where containers run; null for berth-shims (<see cref="ShimContainerRuntime"/>), a fake in actor specs.</summary>
    public IContainerRuntime? Runtime { get; init; }
}
