using Berth.Shim.Client;

namespace Berth.Actors.Containers.Handles;

/// <summary>
/// A node-local handle to one container's output and stdio, handed out by its actor (in <c>ContainerLocation</c> and
/// <c>ExecReady</c>): the HTTP layer reads logs and attaches through it and never learns the container's paths.
/// </summary>
public sealed class ContainerStreams(string stateDir, string logPath)
{
    /// <summary>A reader of the container's json-file log, from its first line.</summary>
    public ContainerLogReader OpenLog() => new(logPath);

    /// <summary>A connection to the container's shim, for attach and exec stdio.</summary>
    public Task<ShimClient> ConnectAsync(CancellationToken ct) => ShimClient.ConnectAsync(stateDir, ct);
}
