using System.Collections.Immutable;
using Berth.Actors.Protocol;

namespace Berth.Actors.Events;

/// <summary>
/// The tags a recorded engine event is stored with: <see cref="EngineEvent"/> on every one (the event log's history
/// query reads by it), and its docker type ("container", "image", ...) so a reader can follow one kind. Pure.
/// </summary>
public static class EventTags
{
    public const string EngineEvent = "engine-event";

    public static IImmutableSet<string> For(EngineEvent e) => ImmutableHashSet.Create(EngineEvent, e.Type);
}
