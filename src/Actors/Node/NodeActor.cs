using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Images;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Node;

/// <summary>
/// What one node's actors are made from: the containers' settings, the opened image store, the read journal (plugin id)
/// the event log's history is queried from, and how many events the log keeps.
/// </summary>
public sealed record NodeSettings(ContainerSettings Containers, ImageStore Images, string EventsReadJournal, int EventCapacity = EventLogActor.DefaultCapacity);

/// <summary>One child of the node: its kebab-case name and its props, made from the siblings created before it (by name).</summary>
public sealed record NodeChild(string Name, Func<IReadOnlyDictionary<string, IActorRef>, Props> Props);

/// <summary>
/// "/user/node": one per node, the owner of everything bound to this host. It creates its children (events, images,
/// containers; later networks, volumes, builder, mirrors) in order, hands their refs out (<see cref="GetNodeChildren"/>),
/// and supervises them with <see cref="TreeSupervisor"/>: corrupt state or a broken runtime contract stops the child
/// and reports it, transient I/O restarts it with back-off, and the node itself carries on either way.
/// </summary>
public sealed partial class NodeActor : ReceiveActor
{
    public const string Name = "node";

    private readonly Dictionary<string, IActorRef> _children = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>The node as berthd runs it.</summary>
    public static Props Props(NodeSettings settings) => Props(Layout(settings));

    /// <summary>A node with the given children (specs swap one for a stand-in; later issues add networks, volumes...).</summary>
    public static Props Props(IReadOnlyList<NodeChild> children) => Akka.Actor.Props.Create(() => new NodeActor(children));

    /// <summary>berthd's children, in creation order: the event log first (everyone reports to it), images before containers (which ask it).</summary>
    public static IReadOnlyList<NodeChild> Layout(NodeSettings settings) =>
    [
        new(EventLogActor.Name, _ => Akka.Actor.Props.Create(() => new EventLogActor(settings.EventsReadJournal, settings.EventCapacity))),
        new(ImagesActor.Name, made => ImagesActor.Props(settings.Images, new EventLogSink(made[EventLogActor.Name]), awaitContainers: true)),
        new(ContainersActor.Name, made => ContainersActor.Props(settings.Containers, made[ImagesActor.Name], new EventLogSink(made[EventLogActor.Name]))),
    ];

    public NodeActor(IReadOnlyList<NodeChild> children)
    {
        foreach (var child in children)
        {
            if (!KebabCase().IsMatch(child.Name)) throw new ArgumentException($"node child name \"{child.Name}\" is not kebab-case");
            // After a restart of the node its children are still there (see PreRestart): adopted, not made again.
            var actor = Context.Child(child.Name) is { } alive && !alive.IsNobody() ? alive : Context.ActorOf(child.Props(_children), child.Name);
            Context.Watch(actor);
            _children[child.Name] = actor;
        }

        Receive<GetNodeChildren>(_ => Sender.Tell(new NodeChildren(new Dictionary<string, IActorRef>(_children))));
        // The supervisor reported a failure already; a child that ends on its own is only noted.
        Receive<Terminated>(t =>
        {
            if (_children.Remove(t.ActorRef.Path.Name)) _log.Warning("{0} has stopped; the node carries on without it", t.ActorRef.Path);
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => new TreeSupervisor();

    /// <summary>Akka's default would stop every child; the node's failure is not theirs, and their refs are held by Host.</summary>
    protected override void PreRestart(Exception reason, object message) { }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
