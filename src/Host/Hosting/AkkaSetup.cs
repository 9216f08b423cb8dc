using Akka;
using Akka.Actor;
using Akka.Hosting;
using Berth.Actors.Containers;
using Berth.Actors.Events;
using Berth.Actors.Images;
using Berth.Actors.Images.Store;
using Berth.Actors.Node;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;
using Berth.Host.Configuration;
using Berth.Host.Facts;
using Berth.Host.Persistence;

namespace Berth.Host.Hosting;

/// <summary>Marker for the node actor (/user/node, the owner of the actors below) in the ActorRegistry.</summary>
public sealed class NodeKey;

/// <summary>Marker for the event log actor (/user/node/events) in the ActorRegistry.</summary>
public sealed class EventLogKey;

/// <summary>Marker for the images actor (/user/node/images) in the ActorRegistry.</summary>
public sealed class ImagesKey;

/// <summary>Marker for the containers actor (/user/node/containers) in the ActorRegistry.</summary>
public sealed class ContainersKey;

/// <summary>berthd's actor system: one serializer, berth's journal (SQLite by default, PostgreSQL by configuration), the node's actors under /user/node.</summary>
public static class AkkaSetup
{
    public const string SystemName = "berth";

    public static IServiceCollection AddBerthActors(this IServiceCollection services, DaemonOptions options)
    {
        services.AddAkka(SystemName, (akka, sp) =>
        {
            akka.ConfigureLoggers(l => { l.ClearLoggers(); l.AddLoggerFactory(); l.LogLevel = AkkaLogLevel(options.LogLevel); })
                .WithCustomSerializer("berth", [typeof(IBerthMessage)], sys => new BerthJsonSerializer(sys))
                .AddHocon("akka.actor.ask-timeout = 30s\nakka.coordinated-shutdown.exit-clr = off\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend)
                .WithBerthPersistence(options.Persistence, options.DefaultDatabasePath)
                .WithActors((system, registry) =>
                {
                    var store = ImageStore.Open(options.DataRoot);
                    var runtimes = sp.GetService<RuntimeCatalog>() ?? new RuntimeCatalog(options);
                    ContainerPaths.Tighten(options.DataRoot, options.ExecRoot);
                    var containers = new ContainerSettings(options.DataRoot, options.ExecRoot, Path.Combine(AppContext.BaseDirectory, "berth-shim"),
                        runtimes.All, runtimes.Default, options.LogOpts);
                    var node = system.ActorOf(NodeActor.Props(new NodeSettings(containers, store, JournalPlugins.ReadJournalId)), NodeActor.Name);
                    registry.Register<NodeKey>(node);
                    // Host reaches the node's actors through the refs the node hands out; it makes none of them.
                    var children = node.Ask<NodeChildren>(GetNodeChildren.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                    var events = children[EventLogActor.Name];
                    registry.Register<EventLogKey>(events);
                    registry.Register<ImagesKey>(children[ImagesActor.Name]);
                    registry.Register<ContainersKey>(children[ContainersActor.Name]);
                    // An event the API already acknowledged must survive a clean stop: drain the log before actors stop.
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "flush-events", async () =>
                    {
                        try { await events.Ask<EventsFlushed>(FlushEvents.Instance, TimeSpan.FromSeconds(10)); }
                        catch (AskTimeoutException) { }
                        return Done.Instance;
                    });
                });
        });
        return services;
    }

    /// <summary>berth's journal and snapshot store on the configured provider; tables are created on first use.</summary>
    public static AkkaConfigurationBuilder WithBerthPersistence(this AkkaConfigurationBuilder akka, PersistenceOptions p, string sqliteFile)
    {
        return akka.AddHocon(JournalPlugins.Hocon(p.Provider, JournalPlugins.ConnectionString(p, sqliteFile)), HoconAddMode.Prepend);
    }

    private static Akka.Event.LogLevel AkkaLogLevel(string level) => level switch
    {
        "debug" => Akka.Event.LogLevel.DebugLevel,
        "info" => Akka.Event.LogLevel.InfoLevel,
        "warn" => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };
}
