namespace Berth.Actors.Protocol;

/// <summary>
/// Tells the journal that a persistence id is retired for good (a removed container: ids are never reused), so even
/// the highest sequence number the journal keeps after a deletion can go. Journals that do not know it ignore it.
/// Node-local: it goes to this node's journal plugin actor, never to another node.
/// </summary>
public sealed record RetirePersistenceId(string PersistenceId) : Akka.Actor.INoSerializationVerificationNeeded;
