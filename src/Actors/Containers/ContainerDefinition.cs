using System.Text.Json.Serialization;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Containers;

/// <summary>
/// What a container is, fixed at create (persisted as its first event): the merged config, the image's
/// snapshots (chain ids) and the name of the runtime that will run it. Nothing in it is a host path of berth's own,
/// so the record survives a moved data root or a reinstalled berthd.
/// </summary>
[Manifest("container.created.v1")]
public sealed record ContainerDefinition(
    string Id,
    string Name,
    DateTimeOffset Created,
    string ImageId,
    ContainerConfig Config,
    ContainerHostConfig HostConfig,
    IReadOnlyList<string> ChainIds,
    string Runtime) : IBerthMessage
{
    // Derived, so never stored or sent ([JsonIgnore]); entries written before still read (unknown fields are skipped).
    [JsonIgnore] public string ShortId => Id[..12];

    /// <summary>Entrypoint + Cmd, as docker runs them. A method, not a property: derived, never part of the stored value.</summary>
    public IReadOnlyList<string> Argv() => [.. Config.Entrypoint ?? [], .. Config.Cmd ?? []];

    /// <summary>docker's merge of the image config into the request: the request wins, env by key, Cmd only without a new Entrypoint.</summary>
    public static ContainerConfig Merge(ContainerConfig request, ContainerConfig? image)
    {
        if (image == null) return request;
        var env = new List<string>(image.Env ?? []);
        foreach (var e in request.Env ?? [])
        {
            var key = e.Split('=', 2)[0];
            env.RemoveAll(x => x.Split('=', 2)[0] == key);
            env.Add(e);
        }
        var entrypoint = request.Entrypoint ?? image.Entrypoint;
        var cmd = request.Cmd is { Count: > 0 } || request.Entrypoint != null ? request.Cmd : image.Cmd;
        var labels = new Dictionary<string, string>(image.Labels ?? new Dictionary<string, string>());
        foreach (var (k, v) in request.Labels ?? new Dictionary<string, string>()) labels[k] = v;
        return request with
        {
            Env = env,
            Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
            Cmd = cmd,
            WorkingDir = request.WorkingDir is { Length: > 0 } w ? w : image.WorkingDir,
            User = request.User is { Length: > 0 } u ? u : image.User,
            Labels = labels,
            StopSignal = request.StopSignal ?? image.StopSignal,
            ExposedPorts = request.ExposedPorts ?? image.ExposedPorts,
            Volumes = request.Volumes ?? image.Volumes,
            Healthcheck = HealthCheck.Merge(request.Healthcheck, image.Healthcheck),
        };
    }
}

/// <summary>
/// Intent, stored before the shim is launched: the container is being started. A daemon that finds it without a
/// <see cref="ContainerStarted"/> or <see cref="ContainerDied"/> after it died mid-start reconciles it.
/// </summary>
[Manifest("container.starting.v1")]
public sealed record ContainerStartBegun(DateTimeOffset At) : IBerthMessage;

/// <summary>The container started (its init's host pid).</summary>
[Manifest("container.started.v1")]
public sealed record ContainerStarted(int Pid, DateTimeOffset At) : IBerthMessage;

/// <summary>The container's process ended, or never started (Error = the runtime's message, ExitCode 125/126/127).</summary>
[Manifest("container.died.v1")]
public sealed record ContainerDied(int ExitCode, DateTimeOffset At, bool OomKilled, string? Error) : IBerthMessage;

/// <summary>The containers actor's index: a container exists under this name.</summary>
[Manifest("containers.added.v1")]
public sealed record ContainerAdded(string Id, string Name) : IBerthMessage;

/// <summary>The containers actor's index: the container was removed.</summary>
[Manifest("containers.forgotten.v1")]
public sealed record ContainerForgotten(string Id) : IBerthMessage;
