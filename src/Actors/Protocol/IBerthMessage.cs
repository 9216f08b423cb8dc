namespace Berth.Actors.Protocol;

/// <summary>Marker for every message and event that crosses an actor boundary or enters the journal; binds the serializer.</summary>
public interface IBerthMessage;
