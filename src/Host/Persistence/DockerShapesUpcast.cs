using System.Text.Json;
using Akka.Persistence.Journal;
using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;
using Berth.Host.Api;

namespace Berth.Host.Persistence;

/// <summary>
/// The journal's read-side adapter for events berthd 0.1.0 stored with docker's shapes in them: a container's
/// <see cref="ContainerCreatedV1"/> and <see cref="ContainerResourcesUpdatedV1"/> are read as today's
/// <see cref="ContainerDefinition"/> and <see cref="ContainerResourcesUpdated"/>, through the same mapping a create
/// request takes, so the actors only ever see berth's records.
/// </summary>
public sealed class DockerShapesUpcast : IReadEventAdapter
{
    public IEventSequence FromJournal(object evt, string manifest) => EventSequence.Single(Upcast(evt));

    public static object Upcast(object evt) => evt switch
    {
        ContainerCreatedV1 v1 => new ContainerDefinition(v1.Id, v1.Name, v1.Created, v1.ImageId,
            ContainerSpecMapper.ToSpec(Read<ContainerConfig>(v1.Config), Read<ContainerHostConfig>(v1.HostConfig)), v1.ChainIds, v1.Runtime),
        ContainerResourcesUpdatedV1 v1 => ContainerSpecMapper.ToResourcesUpdated(Read<ContainerHostConfig>(v1.HostConfig)),
        _ => evt,
    };

    /// <summary>With the options 0.1.0 wrote them with (the journal serializer's).</summary>
    private static T Read<T>(JsonElement json) where T : class =>
        json.Deserialize<T>(BerthJsonSerializer.Json) ?? throw new JsonException($"a 0.1.0 event holds a null {typeof(T).Name}");
}
