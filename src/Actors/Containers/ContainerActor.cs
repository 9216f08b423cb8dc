using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Berth.Actors.Events;
using Berth.Actors.Images.Layers;
using Berth.Actors.Journal;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// One container ("container-{id}"): its definition and lifecycle are persisted; the process itself lives in a
/// berth-shim that outlives the daemon. Judging requests is <see cref="ContainerAggregate"/>'s job; this actor persists
/// what it decides and does the I/O.
/// </summary>
public sealed partial class ContainerActor : GuardedPersistentActor
{
    private readonly ContainerSettings _settings;
    private readonly EventLogSink _events;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ContainerDefinition? _def;
    private ContainerLife _life;
    private readonly IContainerRuntime _runtime;
    private IContainerRun? _shim;
    private readonly Dictionary<long, IActorRef> _clients = new();   // who waits under each of the aggregate's tickets

    /// <param name="created">A new container, whose definition is on its way; otherwise one that must have a stored definition.</param>
    public ContainerActor(string id, ContainerSettings settings, EventLogSink events, bool created = false)
    {
        _settings = settings;
        _runtime = settings.Runtime ?? new ShimContainerRuntime(settings);
        _events = events;
        _life = ContainerLife.New(id);
        PersistenceId = "container-" + id;
        Paths = settings.PathsOf(id);

        Recover<ContainerDefinition>(d => _def = d);
        Recover<ContainerStartBegun>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerStarted>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<ContainerDied>(e => _life = ContainerAggregate.Apply(_life, e));
        Recover<RecoveryCompleted>(_ =>
        {
            // Added to the index without a stored definition: a create that failed (a full disk, a crash). Without its
            // directory: a removal whose record failed. Neither container exists (dockerd loads containers from their directories).
            if (!created && (_def == null || !Directory.Exists(Paths.Dir))) Abandon();
            else
            {
                ResumeHealth();
                Self.Tell(Reconnect.Instance);
            }
        });
        RecoverOps();

        Command<Define>(DefineContainer);
        CommandAsync<Reconnect>(_ => ReconnectToShim());
        CommandAsync<StartContainer>(_ => Start(byPolicy: false));
        CommandAsync<PrepareAttach>(_ => PrepareForAttach());
        Command<LocateContainer>(_ => Sender.Tell(Location()));
        Command<InspectContainer>(_ => Sender.Tell(new ContainerInspected(View())));
        CommandAsync<StopContainer>(s => Stop(s.Timeout, Sender, restart: false));
        CommandAsync<RestartContainer>(s => Restart(s.Timeout));
        CommandAsync<KillContainer>(k => Kill(k.Ref, k.Signal));
        CommandAsync<StopDeadline>(d => Decide(new LifeCommand.StopDeadline(d.Watch)).Reply is Decision.Proceed ? SignalOrLog(9) : Task.CompletedTask);
        Command<WaitContainer>(Wait);
        CommandAsync<RemoveContainer>(r => Remove(r.Force, Sender));
        CommandAsync<RemoveAfterExit>(_ => RemoveNow());
        CommandAsync<ShimExited>(e => e.Watch == _life.Watch ? RunEnded(e.Exit) : Task.CompletedTask);
        HandleOps();
        SetUpSelfHealing();
        RegisterExecHandlers();
        RegisterFileCommands();
    }

    public override string PersistenceId { get; }

    /// <summary>The current run (status, process, exit), as the aggregate has it.</summary>
    private ContainerState _state => _life.Run;

    protected override object Failed(Exception e) => ContainersActor.InternalError(e);

    private ContainerPaths Paths { get; }

    private ContainerDefinition Def => _def ?? throw new InvalidOperationException($"container {_state.Id} has no definition");

    private RootfsLayout Layout => ContainerRootfs.Layout(Paths.Dir, _settings.LowerDirsOf(_def?.ChainIds ?? []));

    public static Props Props(string id, ContainerSettings settings, EventLogSink events, bool created = false) =>
        Akka.Actor.Props.Create(() => new ContainerActor(id, settings, events, created));

    /// <summary>The bundle is written before the definition is stored, so a create that fails at either step leaves nothing.</summary>
    private void DefineContainer(Define d)
    {
        var def = d.Definition;
        try { OciBundle.Write(def, Paths, RootfsLayoutOf(def).MergedDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Sender.Tell(new ContainerError(ContainerErrorKind.Internal, StorageFault.Describe(e)));
            Abandon();
            return;
        }
        Persist(def, stored =>
        {
            _def = stored;
            Record("create");
            Report();
            Sender.Tell(new ContainerCreated(stored.Id));
        });
    }

    private RootfsLayout RootfsLayoutOf(ContainerDefinition def) => ContainerRootfs.Layout(Paths.Dir, _settings.LowerDirsOf(def.ChainIds));

    /// <summary>A container that does not exist: its directories go, the containers actor forgets it, this actor stops.</summary>
    private void Abandon()
    {
        DeleteDirectories();
        Journal.Tell(new RetirePersistenceId(PersistenceId));
        Context.Parent.Tell(new ContainerAbandoned(_state.Id));
        Context.Stop(Self);
    }

    private void DeleteDirectories()
    {
        foreach (var dir in new[] { Paths.Dir, Paths.StateDir })
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.Warning("container {0}: remove {1}: {2}", _state.Id, dir, e.Message); }
    }

    /// <summary>
    /// Akka stops this actor right after a failed write. Everyone waiting on it hears why at once (the containers
    /// actor creates it again, from what was stored, when it is next asked); a definition that was not stored is a
    /// create that did not happen.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        var error = new ContainerError(ContainerErrorKind.Internal, StorageFault.Describe(cause));
        if (!Sender.Equals(Self)) Sender.Tell(error);
        foreach (var w in _clients.Values) w.Tell(error);
        if (@event is ContainerDefinition)
        {
            DeleteDirectories();
            Context.Parent.Tell(new ContainerAbandoned(_state.Id));
        }
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>After a daemon restart: a container recorded as running still is if its shim answers (live restore).</summary>
    private async Task ReconnectToShim()
    {
        if (_def == null) return;
        if (!_state.IsRunning)
        {
            // A start stored as intended but not as done: the daemon died in between. Its shim (if any) is gone now; so is the run.
            var reconciled = ContainerAggregate.Decide(_life, new LifeCommand.Reconcile(await ShutdownUnrecordedShim()), DateTimeOffset.UtcNow);
            if (reconciled.Events.Count > 0)
            {
                _log.Warning("container {0}: berthd stopped while starting it; its start is recorded as failed", _state.Id);
                Enact(reconciled.Events, () => Record("die", ("exitCode", _state.ExitCode.ToString())));
            }
        }
        if (_state.IsRunning)
        {
            try
            {
                _shim = await _runtime.AdoptAsync(Paths);
                WatchExit(_shim);
                if (_shim.Handle is { } handle) await RestoreExecs(handle);
            }
            catch (IOException)
            {
                await Exited(ReadExitFile() ?? ShimLost());
            }
        }
        AfterReconnect();
        Report();
        Context.Parent.Tell(new ExecsRestored(_state.Id));
    }

    /// <summary>
    /// A shim of a container not recorded as running: its start could not be stored (a full disk) and Akka stopped
    /// this actor, or the daemon died right after the shim started. What was not recorded did not happen: the shim goes,
    /// with the container's processes and rootfs. True if there was one.
    /// </summary>
    private async Task<bool> ShutdownUnrecordedShim()
    {
        if (!_runtime.MayHaveRun(Paths)) return false;
        try { _shim = await _runtime.AdoptAsync(Paths); }
        catch (IOException) { return false; }
        catch (System.Net.Sockets.SocketException) { return false; }
        _log.Info("container {0}: stopping a berth-shim whose start was never recorded", _state.Id);
        await ShutdownShim();
        TryUnmount();
        return true;
    }

    /// <summary>
    /// A restart forgets what is not in the journal. The requests still waiting here (waits, stops, forced removals, exec
    /// exits) are sent to this actor again on behalf of their clients, so the next incarnation takes them up after its
    /// recovery and reconnect, and no client waits forever.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        var running = _state.IsRunning;
        foreach (var w in _life.Waiters)
        {
            if (!_clients.TryGetValue(w.Ticket, out var client)) continue;
            switch (w.For)
            {
                case WaitFor.Exit: Self.Tell(new WaitContainer(_state.Id, running ? "not-running" : "next-exit"), client); break;
                case WaitFor.Removal: Self.Tell(new WaitContainer(_state.Id, "removed"), client); break;
                case WaitFor.Stop:
                    Self.Tell(_life.Intent.ThenStart ? new RestartContainer(_state.Id, null) : new StopContainer(_state.Id, null), client);
                    break;
                case WaitFor.Remove: Self.Tell(new RemoveContainer(_state.Id, Force: true), client); break;
                case WaitFor.Kill: client.Tell(new ContainerDone()); break; // the signal went out; the next incarnation records the exit
                case WaitFor.ExecExit: Self.Tell(new AwaitExecExit(w.ExecId!), client); break;
            }
        }
        base.PreRestart(reason, message);
    }

    private ExitStatus? ReadExitFile()
    {
        var file = new ShimPaths(Paths.StateDir).DefaultExitFile;
        if (!File.Exists(file)) return null;
        return System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(file), ShimJson.Default.ExitStatus);
    }

    /// <param name="byPolicy">The restart policy's start after its back-off, rather than docker start (or restart, or the daemon's start).</param>
    private async Task Start(bool byPolicy)
    {
        var sender = Sender;
        var decided = ContainerAggregate.Decide(_life, new LifeCommand.Start(byPolicy), DateTimeOffset.UtcNow);
        switch (decided.Reply)
        {
            case Decision.NotModified: sender.Tell(new ContainerDone(NotModified: true)); return;
            case Decision.Rejected r: sender.Tell(new ContainerError(r.Kind, r.Message)); return;
        }
        Enact(decided.Events);
        try
        {
            var shim = _shim ?? await Launch();
            await shim.StartAsync();
            CrashPoints.AfterShimStart();
            var pid = await shim.PidAsync();
            var started = ContainerAggregate.Decide(_life, new LifeCommand.RunStarted(pid), DateTimeOffset.UtcNow);
            if (started.Reply is Decision.Rejected broken) throw new InvalidOperationException(broken.Message);
            var restartReason = byPolicy ? _life.Intent.PendingRestartReason : null;
            Enact(started.Events, () =>
            {
                Record("start");
                OnRunStarted(restartReason);
                Report();
                sender.Tell(new ContainerDone());
            });
        }
        catch (Bundle.ContainerSpecException e)
        {
            await Failed(128, e.Message);
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, e.Message));
        }
        catch (ShimLaunchException e)
        {
            await Failed(e.ExitCode, e.Message);
            sender.Tell(new ContainerError(e.ExitCode is 126 or 127 ? ContainerErrorKind.Invalid : ContainerErrorKind.Internal, e.Message));
        }
        catch (Exception e) when (e is ShimException or IOException or ArgumentException)
        {
            // The shim records the failed start in its exit file; the watcher persists it.
            sender.Tell(new ContainerError(ContainerErrorKind.Internal, StorageFault.Describe(e)));
        }
    }

    /// <summary>
    /// docker run and docker start -a attach before they start: the shim of the next run is created now (waiting for
    /// "start"), for a new container and for one that exited alike, so no output is missed.
    /// </summary>
    private async Task PrepareForAttach()
    {
        var sender = Sender;
        if (_state.Status is ContainerStatus.Created or ContainerStatus.Exited && _shim == null)
        {
            try { await Launch(); }
            catch (Exception e) when (e is ShimLaunchException or IOException or ShimException or ArgumentException)
            {
                // The start that follows reports the failure; attach itself succeeds like dockerd's.
                _log.Info("container {0}: prepare for attach failed: {1}", _state.Id, e.Message);
            }
        }
        Record("attach");
        sender.Tell(Location());
    }

    /// <summary>Mounts the rootfs, writes the bundle and launches a shim that waits for "start".</summary>
    private async Task<IContainerRun> Launch()
    {
        try
        {
            var shim = await _runtime.LaunchAsync(Def, Paths, Layout);
            _shim = shim;
            WatchExit(shim);
            return shim;
        }
        catch
        {
            TryUnmount();
            throw;
        }
    }

    private void WatchExit(IContainerRun shim)
    {
        Enact([new LifeFact.Watching()]);
        var watch = _life.Watch;
        shim.WaitAsync().PipeTo(Self, success: exit => new ShimExited(exit, watch), failure: _ => new ShimExited(null, watch));
    }

    private async Task Failed(int exitCode, string error)
    {
        await ShutdownShim();
        TryUnmount();
        Died(new ContainerDied(exitCode, DateTimeOffset.UtcNow, false, error), wasStarted: false);
    }

    private async Task Exited(ExitStatus exit)
    {
        // The shim's `runtime delete` and our unmount of the rootfs are independent: they overlap.
        var shutdown = ShutdownShim();
        TryUnmount();
        await shutdown;
        var at = DateTimeOffset.TryParse(exit.FinishedAt, out var f) ? f : DateTimeOffset.UtcNow;
        Died(new ContainerDied(exit.ExitCode, at, exit.OomKilled, exit.Error), _state.IsRunning);
    }

    /// <summary>
    /// After any death (a failed start included): the aggregate answers the waiters and says what follows (removal,
    /// docker restart's start, the restart policy); the death makes the shim's own report of it stale.
    /// </summary>
    private void Died(ContainerDied died, bool wasStarted)
    {
        StopHealthChecks();
        Enact(Decide(new LifeCommand.RunEnded(died, wasStarted, Policy, Def.Spec.AutoRemove)).Events, first: () =>
        {
            if (wasStarted) Record("die", ("exitCode", died.ExitCode.ToString()));
        }, then: Report);
    }

    private async Task ShutdownShim()
    {
        if (_shim == null) return;
        try { await _shim.ShutdownAsync(); }
        catch (Exception e) when (e is IOException or ShimException or System.Net.Sockets.SocketException) { _log.Info("container {0}: shim shutdown: {1}", _state.Id, e.Message); }
        await _shim.DisposeAsync();
        _shim = null;
    }

    private void TryUnmount()
    {
        if (_rootfsLeases.Count > 0) return; // the last lease's release unmounts
        try { ContainerRootfs.Unmount(Layout); }
        catch (Exception e) { _log.Warning("container {0}: unmount {1}: {2}", _state.Id, Layout.MergedDir, e.Message); }
    }

    private async Task Stop(int? timeout, IActorRef sender, bool restart)
    {
        var decided = ContainerAggregate.Decide(_life, new LifeCommand.Stop(restart), DateTimeOffset.UtcNow);
        switch (decided.Reply)
        {
            case Decision.Rejected r: sender.Tell(new ContainerError(r.Kind, r.Message)); return;
            case Decision.Completed:
                Enact(decided.Events, () =>
                {
                    Record("stop");
                    sender.Tell(new ContainerDone());
                });
                return;
            case Decision.NotModified:
                Enact(decided.Events, () =>
                {
                    if (restart) Self.Tell(new StartContainer(_state.Id), sender);
                    else sender.Tell(new ContainerDone(NotModified: true));
                });
                return;
        }
        Enact(decided.Events, client: sender);
        var signal = Berth.Runtime.Containers.Signals.Parse(Def.Spec.StopSignal ?? "SIGTERM");
        var seconds = Def.StopSeconds(timeout);
        await SignalOrLog(signal, stopping: true);
        if (seconds >= 0)
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(seconds), Self, new StopDeadline(_life.Watch), Self);
    }

    private async Task Restart(int? timeout)
    {
        await Stop(timeout, Sender, restart: true);
    }

    private async Task Kill(string reference, int signal)
    {
        var sender = Sender;
        var stopSignal = Berth.Runtime.Containers.Signals.Parse(Def.Spec.StopSignal ?? "SIGTERM");
        var decided = ContainerAggregate.Decide(_life, new LifeCommand.Kill(reference, signal == 9 || signal == stopSignal), DateTimeOffset.UtcNow);
        switch (decided.Reply)
        {
            case Decision.Rejected r: sender.Tell(new ContainerError(r.Kind, r.Message)); return;
            case Decision.Completed: Enact(decided.Events, () => sender.Tell(new ContainerDone())); return;
        }
        Enact(decided.Events);
        try
        {
            await Signal(signal);
            if (signal == 9) Answer(Decide(new LifeCommand.Await(WaitFor.Kill)), sender);
            else sender.Tell(new ContainerDone());
        }
        catch (Exception e) when (e is ShimException or IOException)
        {
            sender.Tell(new ContainerError(ContainerErrorKind.Conflict, $"Cannot kill container: {_state.Id}: {e.Message}"));
        }
    }

    /// <param name="stopping">docker stop's signal, which a paused container must be thawed to act on.</param>
    private async Task Signal(int signal, bool stopping = false)
    {
        if (_shim == null) return;
        ThawForSignal(signal, stopping);
        Record("kill", ("signal", signal.ToString()));
        await _shim.KillAsync(signal);
    }

    /// <summary>
    /// For stop, remove and the stop deadline: a process that exits just as it is signalled makes the shim refuse;
    /// its exit is already on the way and answers whoever waits, so the refusal is only logged.
    /// </summary>
    private async Task SignalOrLog(int signal, bool stopping = false)
    {
        try { await Signal(signal, stopping); }
        catch (Exception e) when (e is ShimException or IOException or System.Net.Sockets.SocketException)
        {
            _log.Info("container {0}: signal {1}: {2}", _state.Id, signal, e.Message);
        }
    }

    private void Wait(WaitContainer w) =>
        Answer(Decide(w.Condition switch
        {
            "removed" => new LifeCommand.Await(WaitFor.Removal),
            "next-exit" => new LifeCommand.Await(WaitFor.Exit, Next: true),
            _ => new LifeCommand.Await(WaitFor.Exit),
        }), Sender);

    /// <summary>A client's request is answered now, or it waits (under its ticket) until the aggregate answers it.</summary>
    private void Answer(Decided decided, IActorRef client)
    {
        switch (decided.Reply)
        {
            case Decision.Answer a: client.Tell(a.Reply); break;
            case Decision.Rejected r: client.Tell(new ContainerError(r.Kind, r.Message)); break;
            default: Enact(decided.Events, client: client); break;
        }
    }

    private Decided Decide(LifeCommand command) => ContainerAggregate.Decide(_life, command, DateTimeOffset.UtcNow);

    private async Task Remove(bool force, IActorRef sender)
    {
        if (RefuseRemoveWhileLeased(sender)) return;
        var decided = ContainerAggregate.Decide(_life, new LifeCommand.Remove(force), DateTimeOffset.UtcNow);
        if (decided.Reply is Decision.Rejected r) { sender.Tell(new ContainerError(r.Kind, r.Message)); return; }
        Enact(decided.Events, client: sender);
        if (_state.IsRunning)
        {
            await SignalOrLog(9); // the run's end removes it
            return;
        }
        await RemoveNow();
    }

    /// <summary>Deletes the container; the aggregate answers whoever asked for its removal or waits for it.</summary>
    private async Task RemoveNow()
    {
        if (_state.Status == ContainerStatus.Removing) return;
        Enact([new LifeFact.RemovalBegun()]);
        await ShutdownShim();
        try
        {
            // A container that never started has no merged dir to unmount.
            if (Directory.Exists(Layout.MergedDir)) ContainerRootfs.Remove(Layout);
            if (Directory.Exists(Paths.Dir)) Directory.Delete(Paths.Dir, recursive: true);
            if (Directory.Exists(Paths.StateDir)) Directory.Delete(Paths.StateDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Enact(Decide(new LifeCommand.RemovalEnded(e.Message)).Events, then: Report);
            return;
        }
        var removed = Decide(new LifeCommand.RemovalEnded(null)).Events;
        DeleteMessages(long.MaxValue);
        Journal.Tell(new RetirePersistenceId(PersistenceId));
        Record("destroy");
        // The name and the image use are released before anyone hears "removed" (docker rm; docker run --name same).
        await Context.Parent.Ask<ContainerDone>(new ContainerForgotten(_state.Id), TimeSpan.FromSeconds(30));
        Enact(removed);
        // Requests that reached this actor while it was removing answer docker's 404 instead of dying with it; a wait
        // queued before the removal (one re-sent after a restart included) hears how the container ended.
        Become(() =>
        {
            Command<WaitContainer>(_ => Sender.Tell(new ContainerExited(_state.ExitCode)));
            Command<IContainerTargeted>(c => Sender.Tell(new ContainerError(ContainerErrorKind.NotFound, $"No such container: {c.Ref}")));
            Command<IExecTargeted>(c => Sender.Tell(NoSuchExec(c.ExecId)));
            CommandAny(_ => { });
        });
        Self.Tell(PoisonPill.Instance);
    }

    private ContainerLocation Location() =>
        new(_state.Id, Def.Name, Def.Spec.Stdio.Tty, _shim != null, Def.Spec.Stdio.OpenStdin, Streams);

    private Handles.ContainerStreams Streams => new(Paths.StateDir, Paths.LogPath);

    private ContainerView View()
    {
        var def = Def;
        var argv = def.Argv();
        var s = _state;
        return new ContainerView(def.Id, def.Name, def.Created, def.ImageId, def.Spec, def.Runtime,
            argv.Count > 0 ? argv[0] : "", argv.Skip(1).ToList(),
            new ContainerStatusView(s.StatusName, s.IsRunning, s.Status == ContainerStatus.Paused, s.Status == ContainerStatus.Restarting,
                s.OomKilled, s.Status == ContainerStatus.Dead, s.Pid, s.ExitCode, s.Error, s.StartedAt, s.FinishedAt)
                { Health = CurrentHealth(), RestartCount = RestartCount },
            Paths.LogPath) { ExecIDs = _life.RunningExecIds };
    }

    /// <summary>Keeps the containers actor's list (ps, image usage) current.</summary>
    private void Report()
    {
        if (_def != null) Context.Parent.Tell(new ContainerChanged(View(), _def.ChainIds));
    }

    private void Record(string action, params (string Key, string Value)[] extra)
    {
        var attrs = new Dictionary<string, string> { ["image"] = Def.Spec.Image, ["name"] = Def.Name.TrimStart('/') };
        foreach (var (k, v) in extra) attrs[k] = v;
        foreach (var (k, v) in Def.Spec.Labels ?? new Dictionary<string, string>()) attrs.TryAdd(k, v);
        _events.Record("container", action, _state.Id, attrs);
    }

    /// <summary>Sent by the containers actor right after it created this child.</summary>
    [Manifest("container.define.v1")]
    public sealed record Define(ContainerDefinition Definition) : IBerthMessage;

    /// <summary>Asked by the attach endpoint before it connects to the shim. Node-local: answered with the stream handles (<see cref="ContainerLocation"/>).</summary>
    public sealed record PrepareAttach(string Ref) : IContainerTargeted, INoSerializationVerificationNeeded;

    private sealed record Reconnect
    {
        public static readonly Reconnect Instance = new();
    }

    /// <summary>The run's exit as its shim reported it; null when the connection to the shim broke instead.</summary>
    private sealed record ShimExited(ExitStatus? Exit, int Watch);

    private sealed record StopDeadline(int Watch);

    /// <summary>The run of a container to be removed ended: its files go now.</summary>
    private sealed record RemoveAfterExit
    {
        public static readonly RemoveAfterExit Instance = new();
    }
}

/// <summary>A container that does not exist after all (its create failed, or its removal went unrecorded): the containers actor forgets it.</summary>
[Manifest("containers.abandoned.v1")]
public sealed record ContainerAbandoned(string Id) : IBerthMessage;

/// <summary>A container's current view, reported to the containers actor after every change.</summary>
[Manifest("container.changed.v1")]
public sealed record ContainerChanged(ContainerView View, IReadOnlyList<string> ChainIds) : IBerthMessage;
