using System.Text.Json.Serialization;
using System.Text.Json;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Containers;

/// <summary>
/// What a container is, fixed at create (persisted as its first event): berth's spec merged with the image's config,
/// the image's snapshots (chain ids) and the name of the runtime that will run it. Nothing in it is a host path of
/// berth's own or a docker wire shape, so the record survives a moved data root, a reinstalled berthd and API changes.
/// </summary>
[Manifest("container.created.v2")]
public sealed record ContainerDefinition(
    string Id,
    string Name,
    DateTimeOffset Created,
    string ImageId,
    ContainerSpec Spec,
    IReadOnlyList<string> ChainIds,
    string Runtime) : IBerthMessage
{
    // Derived, so never stored or sent ([JsonIgnore]); entries written before still read (unknown fields are skipped).
    [JsonIgnore] public string ShortId => Id[..12];

    /// <summary>Entrypoint + command, as docker runs them. A method, not a property: derived, never part of the stored value.</summary>
    public IReadOnlyList<string> Argv() => Spec.Argv;

    /// <summary>How long a stop waits before SIGKILL: the request's seconds, else the container's, else 10 (-1 waits forever).</summary>
    public int StopSeconds(int? requested) => requested ?? (Spec.StopTimeout is { } t ? (int)t.TotalSeconds : 10);

    /// <summary>The definition after docker update.</summary>
    public ContainerDefinition Updated(ContainerResourcesUpdated e) => this with { Spec = Spec with { Resources = e.Resources, Restart = e.Restart } };

    /// <summary>
    /// docker's merge of the image config into the request: the request wins, env by key, the image's command only
    /// without a new entrypoint, health settings field by field.
    /// </summary>
    public static ContainerSpec Merge(ContainerSpec request, ContainerConfig? image)
    {
        if (image == null) return request;
        var p = request.Process;
        var env = new List<string>(image.Env ?? []);
        foreach (var e in p.Env ?? [])
        {
            var key = e.Split('=', 2)[0];
            env.RemoveAll(x => x.Split('=', 2)[0] == key);
            env.Add(e);
        }
        var entrypoint = p.Entrypoint ?? image.Entrypoint;
        var command = p.Command is { Count: > 0 } || p.Entrypoint != null ? p.Command : image.Cmd;
        var labels = new Dictionary<string, string>(image.Labels ?? new Dictionary<string, string>());
        foreach (var (k, v) in request.Labels ?? new Dictionary<string, string>()) labels[k] = v;
        return request with
        {
            Process = p with
            {
                Env = env,
                Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
                Command = command,
                WorkingDir = p.WorkingDir is { Length: > 0 } w ? w : image.WorkingDir,
                User = p.User is { Length: > 0 } u ? u : image.User,
            },
            Labels = labels,
            StopSignal = request.StopSignal ?? image.StopSignal,
            Network = request.Network with { ExposedPorts = request.Network.ExposedPorts ?? image.ExposedPorts?.Keys.ToList() },
            Mounts = request.Mounts with { Volumes = request.Mounts.Volumes ?? image.Volumes?.Keys.ToList() },
            Health = HealthCheck.Merge(request.Health, HealthCheck.Settings(image.Healthcheck)),
        };
    }
}

/// <summary>
/// A container's first event as berthd 0.1.0 stored it, with docker's Config and HostConfig as they were written
/// (kept as JSON here: the edge that knows docker's shapes upcasts it to <see cref="ContainerDefinition"/> on read).
/// </summary>
[Manifest("container.created.v1")]
public sealed record ContainerCreatedV1(
    string Id,
    string Name,
    DateTimeOffset Created,
    string ImageId,
    JsonElement Config,
    JsonElement HostConfig,
    IReadOnlyList<string> ChainIds,
    string Runtime) : IBerthMessage;

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
