using Akka.Actor;
using Akka.Event;
using Berth.Actors.Events;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// "containers": owns the names and the list of containers (persisted as "containers", through a
/// <see cref="JournalWriter"/>, so a failed write answers the request and stops nothing else), creates the
/// per-container actors, brings them back at daemon start, and routes requests by id, id prefix or name. A container
/// actor that Akka stopped after a failed write is created again (recovering from the journal) when next asked.
/// </summary>
public sealed partial class ContainersActor : GuardedActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(30);

    public const string Name = "containers";

    private readonly ContainerSettings _settings;
    private readonly IActorRef _images;
    private readonly EventLogSink _events;
    private readonly Dictionary<string, string> _names = new();   // name (without '/') → id
    private readonly Dictionary<string, IActorRef> _children = new();
    private readonly Dictionary<string, ContainerView> _views = new();
    private readonly Dictionary<string, ContainerImageUse> _imageUses = new();   // what the images actor was told
    private readonly Dictionary<string, string> _pendingNames = new();          // name → id of a create waiting for its image
    private readonly Dictionary<string, string> _execOwners = new();   // exec id → container id
    private readonly HashSet<string> _execsKnown = new();              // containers whose execs are registered (after a restart: restored from the shim)
    private readonly HashSet<string> _stopped = new();                 // containers whose actor Akka stopped after a failed write
    private readonly HashSet<string> _unreported = new();              // recovered containers whose actor has not reported its view yet
    private readonly List<(object Query, IActorRef ReplyTo)> _awaitingViews = new();
    private readonly JournalSlot _journal;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    public ContainersActor(ContainerSettings settings, IActorRef images, EventLogSink events)
    {
        _settings = settings;
        _images = images;
        _events = events;

        _journal = new JournalSlot(Context, Name);
        Receive<JournalWriter.Replayed>(r => Replay(r.Payload));
        Receive<JournalWriter.Recovered>(_ =>
        {
            foreach (var id in _names.Values) Spawn(id);
            _unreported.UnionWith(_children.Keys);
            if (_unreported.Count > 0) Timers.StartSingleTimer("views-overdue", ViewsOverdue.Instance, ViewsOverdueAfter);
            else _images.Tell(ImageUsageComplete.Instance);
            Become(Ready);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(ImageUsageWanted));
        _journal.Start();
    }

    private void Replay(object e)
    {
        switch (e)
        {
            case ContainerAdded a: _names[a.Name] = a.Id; break;
            case ContainerForgotten f: Forget(f); break;
            default: ReplayRename(e); break;
        }
    }

    private void Ready()
    {
        Receive<CreateContainer>(Create);
        ReceiveAsync<ImageResolvedForCreate>(Created);
        Receive<ImageUsageWanted>(w =>
        {
            foreach (var use in _imageUses.Values) w.Images.Tell(new ImageInUse(use));
            if (_unreported.Count == 0) w.Images.Tell(ImageUsageComplete.Instance);
        });
        Receive<ListContainers>(l =>
        {
            if (AwaitViews(l)) return;
            Sender.Tell(ContainerListQuery.Run(_views.Values, l));
        });
        Receive<ContainerChanged>(c =>
        {
            _views[c.View.Id] = c.View;
            var use = new ContainerImageUse(c.View.Id, c.View.Image, c.View.State.Running, c.ChainIds);
            if (!_imageUses.TryGetValue(use.ContainerId, out var told) || told.Running != use.Running || told.ImageId != use.ImageId)
            {
                _imageUses[use.ContainerId] = use;
                _images.Tell(new ImageInUse(use));
            }
            Reported(c.View.Id);
        });
        Receive<ViewsOverdue>(_ =>
        {
            if (_unreported.Count == 0) return;
            _log.Warning("containers {0} did not report after the daemon started; lists go on without them", string.Join(", ", _unreported));
            _unreported.Clear();
            Reported(null);
        });
        ReceiveAsync<ContainerForgotten>(async f =>
        {
            var sender = Sender;
            // The container is gone (its files are), whether or not the index could record it.
            if (await Store(f) is { } failed) _log.Warning("container {0}: removal not recorded: {1}", f.Id, StorageFault.Describe(failed));
            Forget(f);
            sender.Tell(new ContainerDone());
        });
        ReceiveAsync<ContainerAbandoned>(async a =>
        {
            if (!_children.ContainsKey(a.Id)) return;
            // Unrecorded, the next start finds the actor without a definition and abandons it again.
            if (await Store(new ContainerForgotten(a.Id)) is { } failed) _log.Warning("container {0}: abandoned, not recorded: {1}", a.Id, StorageFault.Describe(failed));
            Forget(new ContainerForgotten(a.Id));
        });
        Receive<Terminated>(t =>
        {
            if (_journal.Handle(t) || !t.ActorRef.Path.Name.StartsWith("container-", StringComparison.Ordinal)) return;
            var id = t.ActorRef.Path.Name["container-".Length..];
            if (_children.TryGetValue(id, out var child) && child.Equals(t.ActorRef)) _stopped.Add(id);
            Reported(id);
        });
        HandleRename();
        HandlePrune();
        Receive<IContainerTargeted>(Route);
        Receive<ExecRegistered>(r => _execOwners[r.ExecId] = r.ContainerId);
        Receive<ExecsRestored>(r => _execsKnown.Add(r.ContainerId));
        Receive<ExecsForgotten>(f => { foreach (var id in f.ExecIds) _execOwners.Remove(id); });
        Receive<IExecTargeted>(cmd => RouteExec(cmd, Sender, 0));
        Receive<RetryExecRoute>(r => RouteExec(r.Command, r.ReplyTo, r.Attempt));
    }

    /// <summary>
    /// Stores an index event; null when stored, else why not. Like Persist, nothing else is handled meanwhile
    /// (the handler awaits), so the next request sees the names as stored.
    /// </summary>
    private async Task<Exception?> Store(object e)
    {
        try
        {
            var reply = await _journal.Writer.Ask<object>(new JournalWriter.Append(e), StoreTimeout);
            if (reply is not JournalWriter.AppendFailed failed) return null;
            _journal.Handle(failed);
            return failed.Cause;
        }
        catch (AskTimeoutException timeout) { return timeout; }
    }

    private static readonly TimeSpan ViewsOverdueAfter = TimeSpan.FromSeconds(30);

    /// <summary>A recovered container's actor is done (with its view, or gone); the last one lets the waiting lists answer.</summary>
    private void Reported(string? id)
    {
        if (id != null && !_unreported.Remove(id) || _unreported.Count > 0) return;
        _images.Tell(ImageUsageComplete.Instance);
        foreach (var (query, replyTo) in _awaitingViews) Self.Tell(query, replyTo);
        _awaitingViews.Clear();
    }

    /// <summary>
    /// Right after a daemon start the containers are still recovering: a list (ps, prune) answered now would miss them,
    /// so it waits until every one has reported.
    /// </summary>
    private bool AwaitViews(object query)
    {
        if (_unreported.Count == 0) return false;
        _awaitingViews.Add((query, Sender));
        return true;
    }

    private sealed record ViewsOverdue
    {
        public static readonly ViewsOverdue Instance = new();
    }

    protected override object Failed(Exception e) => InternalError(e);

    /// <summary>The 500 for a request whose handling failed unexpectedly (the daemon log has the stack).</summary>
    public static ContainerError InternalError(Exception e) => new(ContainerErrorKind.Internal, $"berthd failed to handle the request: {e.GetType().Name}: {e.Message}");

    public static Props Props(ContainerSettings settings, IActorRef images, EventLogSink events) =>
        Akka.Actor.Props.Create(() => new ContainersActor(settings, images, events));

    private void Forget(ContainerForgotten f)
    {
        if (_children.TryGetValue(f.Id, out var child)) Context.Unwatch(child);
        _stopped.Remove(f.Id);
        foreach (var name in _names.Where(kv => kv.Value == f.Id).Select(kv => kv.Key).ToList()) _names.Remove(name);
        _children.Remove(f.Id);
        _views.Remove(f.Id);
        Reported(f.Id);
        if (_imageUses.Remove(f.Id)) _images.Tell(new ImageReleased(f.Id));
        foreach (var exec in _execOwners.Where(kv => kv.Value == f.Id).Select(kv => kv.Key).ToList()) _execOwners.Remove(exec);
    }

    /// <summary>The container's actor: a new one, or after a restart of this actor the one that kept running.</summary>
    private IActorRef Spawn(string id, bool created = false)
    {
        var name = "container-" + id;
        var child = Context.Child(name) is { } alive && !alive.IsNobody() ? alive
            : Context.ActorOf(ContainerActor.Props(id, _settings, _events, created), name);
        Context.Watch(child);
        _children[id] = child;
        _stopped.Remove(id);
        return child;
    }

    /// <summary>The container's actor; one that Akka stopped after a failed write is created again, from the journal.</summary>
    private IActorRef Child(string id) => _stopped.Contains(id) ? Spawn(id) : _children[id];

    /// <summary>
    /// Akka's default stops every child before a restart: every container's actor, and with them every client's wait,
    /// stop and exec. They are kept instead: Akka restarts them once this actor is back (each sends its pending requests
    /// to itself again, see <see cref="ContainerActor"/>'s PreRestart), recovery adopts them by name, and their
    /// reconnect reports their views and execs to the new incarnation. Only the journal writer goes: the next
    /// incarnation replays the index through a writer of its own.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _journal.Stop();
        PostStop();
    }

    /// <summary>
    /// The tree's rule for container actors: corrupt state or a broken runtime contract stops one and reports it (the
    /// next request for it recovers it from the journal again, see <see cref="Child"/>); transient I/O restarts it with
    /// back-off. Other containers are never touched.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new Node.TreeSupervisor();

    private void Route(IContainerTargeted cmd)
    {
        if (Resolve(cmd.Ref) is { } id) Child(id).Forward(cmd);
        else Sender.Tell(Ambiguous(cmd.Ref) ?? new ContainerError(ContainerErrorKind.NotFound, $"No such container: {cmd.Ref}"));
    }

    /// <summary>
    /// Exec ids are global: each container registers its own; a removed container's execs are gone with it. Right after
    /// a daemon restart the running containers are still asking their shims for their execs, so an unknown id waits
    /// (briefly, retried) until every container has answered before it is a 404.
    /// </summary>
    private void RouteExec(IExecTargeted cmd, IActorRef replyTo, int attempt)
    {
        if (_execOwners.TryGetValue(cmd.ExecId, out var owner) && _children.ContainsKey(owner))
        {
            Child(owner).Tell(cmd, replyTo);
            return;
        }
        if (attempt < 100 && _children.Keys.Any(id => !_execsKnown.Contains(id)))
        {
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), Self, new RetryExecRoute(cmd, replyTo, attempt + 1), Self);
            return;
        }
        _execOwners.Remove(cmd.ExecId);
        replyTo.Tell(new ContainerError(ContainerErrorKind.NotFound, $"No such exec instance: {cmd.ExecId}"));
    }

    private sealed record RetryExecRoute(IExecTargeted Command, IActorRef ReplyTo, int Attempt);

    /// <summary>Full id, name (with or without '/'), then a unique id prefix.</summary>
    private string? Resolve(string reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        if (_children.ContainsKey(reference)) return reference;
        if (_names.TryGetValue(reference.TrimStart('/'), out var byName)) return byName;
        var matches = _children.Keys.Where(k => k.StartsWith(reference, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>
    /// Checks what it can at once, then asks the images actor without waiting for it (other requests go on meanwhile);
    /// the name is held for this create until the image answers (<see cref="Created"/>).
    /// </summary>
    private void Create(CreateContainer c)
    {
        var sender = Sender;
        if (CreateRefusal(c, out var spec) is { } refusal)
        {
            sender.Tell(refusal);
            return;
        }
        var id = ContainerNames.NewId();
        var name = c.Name?.TrimStart('/') ?? UniqueRandomName();
        _pendingNames[name] = id;
        _images.Ask<object>(new ResolveImage(spec.Image, ForContainer: id), TimeSpan.FromSeconds(30))
            .PipeTo(Self, sender, reply => new ImageResolvedForCreate(spec, id, name, reply), e => new ImageResolvedForCreate(spec, id, name, e));
    }

    /// <summary>The create's answer when it can be given before the image is resolved (docker's order of checks).</summary>
    private ContainerError? CreateRefusal(CreateContainer c, out ContainerSpec spec)
    {
        spec = c.Spec;
        var name = c.Name?.TrimStart('/');
        if (c.Name != null && !ContainerNames.IsValid(c.Name))
            return new ContainerError(ContainerErrorKind.Invalid, $"Invalid container name ({c.Name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        if (name != null && HolderOf(name) is { } holder) return new ContainerError(ContainerErrorKind.Conflict, NameInUse(name, holder));
        var runtimeName = c.Spec.Runtime is { Length: > 0 } r ? r : _settings.DefaultRuntime;
        if (!_settings.Runtimes.ContainsKey(runtimeName)) return new ContainerError(ContainerErrorKind.Invalid, $"Unknown runtime specified {runtimeName}");
        if (!ContainerNetwork.IsSupported(c.Spec.Network.Mode))
            return new ContainerError(ContainerErrorKind.Invalid, $"network mode {c.Spec.Network.Mode} is not supported by this berthd yet (none and host are)");
        try { spec = Bundle.HostConfigValidator.Validate(c.Spec); }
        catch (Bundle.HostConfigException invalid) { return new ContainerError(ContainerErrorKind.Invalid, invalid.Message); }
        if (spec.Process.Init == true && !File.Exists(OciBundle.InitBinary))
            return new ContainerError(ContainerErrorKind.Internal, $"docker-init binary not found: {OciBundle.InitBinary} is missing from this berthd's installation");
        return (ConfigValidation.Refusal(spec) ?? SelfHealingValidation.Refusal(spec)) is { } refusal
            ? new ContainerError(ContainerErrorKind.Invalid, refusal)
            : null;
    }

    /// <summary>The id holding a name: a container's, or a create's still waiting for its image.</summary>
    private string? HolderOf(string name) =>
        _names.TryGetValue(name, out var id) || _pendingNames.TryGetValue(name, out id) ? id : null;

    private async Task Created(ImageResolvedForCreate r)
    {
        var sender = Sender;
        _pendingNames.Remove(r.Name);
        if (await Define(r, sender) is { } refusal)
        {
            _images.Tell(new ImageReleased(r.Id));
            sender.Tell(refusal);
        }
    }

    /// <summary>Stores the new container's name and hands its definition to its actor (which answers); else the refusal.</summary>
    private async Task<ContainerError?> Define(ImageResolvedForCreate r, IActorRef sender)
    {
        switch (r.Reply)
        {
            case ImageError e: return ContainerError.From(e);
            case Exception e: return new ContainerError(ContainerErrorKind.Internal, $"resolving image {r.Spec.Image}: {e.Message}");
            case not ImageResolved: return new ContainerError(ContainerErrorKind.Internal, $"resolving image {r.Spec.Image}: unexpected answer {r.Reply.GetType().Name}");
        }
        var image = (ImageResolved)r.Reply;
        var spec = ContainerDefinition.Merge(r.Spec, image.Config);
        if (spec.Argv.Count == 0) return new ContainerError(ContainerErrorKind.Invalid, "No command specified");
        var runtimeName = spec.Runtime is { Length: > 0 } rt ? rt : _settings.DefaultRuntime;
        var def = new ContainerDefinition(r.Id, "/" + r.Name, DateTimeOffset.UtcNow, image.Id, spec, image.ChainIds, runtimeName);
        if (await Store(new ContainerAdded(r.Id, r.Name)) is { } failed) return new ContainerError(ContainerErrorKind.Internal, StorageFault.Describe(failed));
        _names[r.Name] = r.Id;
        _execsKnown.Add(r.Id); // a new container has no execs to restore
        _imageUses[r.Id] = new ContainerImageUse(r.Id, image.Id, false, image.ChainIds);
        Spawn(r.Id, created: true).Tell(new ContainerActor.Define(def), sender);
        return null;
    }

    /// <summary>A create's image answer (or the failure to get one), back on this actor.</summary>
    private sealed record ImageResolvedForCreate(ContainerSpec Spec, string Id, string Name, object Reply)
        : INoSerializationVerificationNeeded;

    private string UniqueRandomName()
    {
        for (var i = 0; ; i++)
        {
            var n = ContainerNames.Random();
            if (i > 5) n += i;
            if (HolderOf(n) is null) return n;
        }
    }
}
