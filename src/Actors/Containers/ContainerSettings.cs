using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;

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

    /// <summary>
    /// The overlay lower dirs (top first) of an image's snapshots from its chain ids (bottom first): derived from the data
    /// root each time, never stored, so a data root moved elsewhere still mounts its containers.
    /// </summary>
    public IReadOnlyList<string> LowerDirsOf(IReadOnlyList<string> chainIds) =>
        SnapshotStore.LowerDirsOf(SnapshotStore.RootUnder(DataRoot), chainIds.Select(Digest.Parse));

    /// <summary>
    /// The binary of a container's runtime: definitions store the runtime's name; those written before 0.2 stored its path,
    /// which is kept when it still exists and otherwise read as the runtime of that file name.
    /// </summary>
    public string? RuntimePathOf(string runtime)
    {
        if (Runtimes.TryGetValue(runtime, out var path)) return path;
        if (!Path.IsPathRooted(runtime)) return null;
        if (File.Exists(runtime)) return runtime;
        return Runtimes.TryGetValue(Path.GetFileName(runtime), out var moved) ? moved : null;
    }

    /// <summary>Where containers run; null for berth-shims (<see cref="ShimContainerRuntime"/>), a fake in actor specs.</summary>
    public IContainerRuntime? Runtime { get; init; }
}
