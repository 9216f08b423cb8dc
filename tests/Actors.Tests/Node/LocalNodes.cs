using Akka.Actor;
using Akka.Configuration;
using Berth.Actors.Containers;
using Berth.Actors.Images.Store;
using Berth.Actors.Node;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Node;

/// <summary>
/// Several berth nodes in one test process, the way akka.net's own multi-node specs run several ActorSystems side by
/// side: each node has its own ActorSystem (all named "berth", as berthd's is), its own data root (image store,
/// containers, snapshots), its own journal, its own /user/node, and an Akka.Remote endpoint on loopback (a free port),
/// so a node reaches another's actors by address as a cluster member will. Disposing stops every system and removes
/// every data root.
/// </summary>
/// <param name="journal">
/// HOCON for a node's journal, snapshot store and read journal (<see cref="SqliteStore.ReadJournalId"/>), given its
/// data root. Default: <see cref="SqliteStore"/>, a SQLite file under the data root (one per node, so never shared).
/// </param>
public sealed class LocalNodes(Func<string, string>? journal = null) : IDisposable
{
    private readonly List<LocalNode> _nodes = [];

    public IReadOnlyList<LocalNode> Nodes => _nodes;

    /// <summary>Starts one more node and waits until its /user/node has made its children.</summary>
    public LocalNode Start()
    {
        var dir = new TempDir("berth-node");
        var dataRoot = dir.Combine("data");
        Directory.CreateDirectory(dataRoot);
        var system = ActorSystem.Create(SystemName, Config(dataRoot));
        var settings = new NodeSettings(
            new ContainerSettings(dataRoot, dir.Combine("exec"), "/nonexistent/berth-shim",
                new Dictionary<string, string> { ["berth-runtime"] = "/nonexistent/berth-runtime" }, "berth-runtime"),
            ImageStore.Open(dataRoot), SqliteStore.ReadJournalId);
        var node = system.ActorOf(NodeActor.Props(settings), NodeActor.Name);
        var children = node.Ask<NodeChildren>(GetNodeChildren.Instance, Timeout).GetAwaiter().GetResult();
        var started = new LocalNode(system, dir, dataRoot, node, children);
        _nodes.Add(started);
        return started;
    }

    public const string SystemName = "berth";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private Akka.Configuration.Config Config(string dataRoot)
    {
        var store = journal?.Invoke(dataRoot) ?? SqliteStore.Hocon(dataRoot);
        return ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            # Messages between the nodes cross real remoting. Local messages are not verified here (unlike WireConfig):
            # the Sql journal sends itself WriteFinished with a running Task in it, which fails the check when the
            # write is still in flight (seen under load: the journal stopped answering, the spec timed out).
            akka.actor.serialize-messages = off
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            akka.actor.serializers.berth = "{{typeof(Berth.Actors.Protocol.Serialization.BerthJsonSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings {
              "{{typeof(IBerthMessage).AssemblyQualifiedName}}" = berth
            }
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            {{store}}
            """);
    }

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _nodes.Clear();
    }
}

/// <summary>One node of <see cref="LocalNodes"/>: its system, its /user/node and the children it handed out, its address.</summary>
public sealed class LocalNode(ActorSystem system, TempDir dir, string dataRoot, IActorRef node, NodeChildren children) : IDisposable
{
    public ActorSystem System { get; } = system;
    public string DataRoot { get; } = dataRoot;
    public IActorRef Node { get; } = node;
    public NodeChildren Children { get; } = children;

    /// <summary>Where other nodes reach this one: akka.tcp://berth@127.0.0.1:port.</summary>
    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    /// <summary>An actor of this node (e.g. "/user/node/containers") as <paramref name="from"/> reaches it, over the wire.</summary>
    public ActorSelection From(LocalNode from, string path) => from.System.ActorSelection(new RootActorPath(Address) / path.Trim('/').Split('/'));

    public void Dispose()
    {
        System.Terminate().Wait(LocalNodes.Timeout);
        dir.Dispose();
    }
}
