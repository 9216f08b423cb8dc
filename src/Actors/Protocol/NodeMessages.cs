using Akka.Actor;

namespace Berth.Actors.Protocol;

/// <summary>Asks the node for its children (the actors it owns), by name. Node-local, as its answer is.</summary>
public sealed record GetNodeChildren : INoSerializationVerificationNeeded
{
    public static GetNodeChildren Instance { get; } = new();
}

/// <summary>
/// The node's children by their kebab-case name ("containers", "images", "events"). Local handles for the node's own
/// host (HTTP API, tests): another node addresses them by path (akka.tcp://berth@host:port/user/node/containers).
/// </summary>
public sealed record NodeChildren(IReadOnlyDictionary<string, IActorRef> Children) : INoSerializationVerificationNeeded
{
    public IActorRef this[string name] => Children[name];
}

/// <summary>
/// Published on the event stream when a parent of the node tree stopped a child for a failure it does not retry (or
/// retried too often); the parent and the child's siblings keep running. Node-local, like the event stream it is published on.
/// </summary>
/// <param name="Path">the stopped child's path, e.g. "/user/node/images".</param>
/// <param name="Why">"fatal", or how often it was restarted.</param>
/// <param name="Failure">the exception's type and message.</param>
public sealed record ChildStopped(string Path, string Why, string Failure) : INoSerializationVerificationNeeded;
