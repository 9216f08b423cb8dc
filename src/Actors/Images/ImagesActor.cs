using Akka.Actor;
using Berth.Actors.Journal;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images;

/// <summary>
/// Owns the image store of one node (actor name "images"). Reads and index mutations (tag, rmi, prune decisions)
/// happen here, one at a time; long jobs (import, load, save, deleting snapshots) run as children and hand their
/// staged result back, so the index only ever changes inside this actor. Deleting unreferenced snapshots and blobs
/// waits until no ingest or save job is running, so a job never loses a layer it is relying on.
/// </summary>
public sealed class ImagesActor : ReceiveActor, IWithUnboundedStash
{
    public const string Name = "images";

    private readonly ImageStore _store;
    private readonly IImageEventSink _events;
    private readonly TimeProvider _clock;
    private ImagesState _state;
    private int _jobCounter;

    public IStash Stash { get; set; } = null!;

    /// <param name="awaitContainers">
    /// true where a containers domain reports usage (berthd): rmi, prune, df and deleting snapshots wait for its
    /// <see cref="ImageUsageComplete"/>. false for an images actor alone (no containers, nothing to wait for).
    /// </param>
    public static Props Props(ImageStore store, IImageEventSink events, bool awaitContainers = false, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new ImagesActor(store, events, awaitContainers, clock ?? TimeProvider.System));

    /// <summary>Its children are jobs, one attempt each: a job that fails is stopped and reported, never run twice.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Node.TreeSupervisor.StopAlways();

    public ImagesActor(ImageStore store, IImageEventSink events, bool awaitContainers, TimeProvider clock)
    {
        _store = store;
        _events = events;
        _clock = clock;
        _state = ImagesState.Initial(store.IndexFile.Load(), usageComplete: !awaitContainers);

        Receive<GetImageDiskUsage>(_ => !_state.UsageComplete, _ => Stash.Stash());
        Receive<ListImages>(q => Reply(() => new ImageList(ImageViews.List(_state.Index, q.All, q.Filters.Values, _store.SizeOf))));
        Receive<InspectImage>(q => Reply(() =>
        {
            var image = _state.Index.Resolve(q.Name);
            return new ImageInspected(ImageViews.Inspect(_state.Index, image, _store.ReadConfig(image.Id), _store.SizeOf, c => _store.Snapshots.FsOf(c)));
        }));
        Receive<GetImageHistory>(q => Reply(() =>
        {
            var image = _state.Index.Resolve(q.Name);
            return new ImageHistory(ImageViews.History(_state.Index, image, _store.ReadConfig(image.Id), _store.SizeOf));
        }));
        Receive<GetImageDiskUsage>(_ => Reply(() => new ImageDiskUsageReport(ImageViews.DiskUsage(_state.Index, _store.SizeOf, _state.CurrentUses))));
        Receive<ResolveImage>(q => Reply(() =>
        {
            var image = _state.Index.Resolve(q.Name);
            var chainIds = image.ChainIds.Select(c => c.ToString()).ToList();
            if (q.ForContainer is { } holder) Decide(new ImageInUse(new ContainerImageUse(holder, image.Id.ToString(), false, chainIds)), ActorRefs.Nobody);
            return new ImageResolved(image.Id.ToString(), _store.ReadConfig(image.Id).Config, chainIds);
        }));
        Receive<SweepUnusedLayers>(_ => Sweep());
        Receive<IImageUsageMessage>(m => Decide(m, ActorRefs.Nobody));
        Receive<IImageCommand>(c => Decide(c, Sender));
        Receive<ImagesInternal.JobFinished>(f => Decide(f, f.ReplyTo));
    }

    /// <summary>A restarted images actor lost what the containers told it: it asks again (and waits, as at start).</summary>
    protected override void PostRestart(Exception reason)
    {
        if (!_state.UsageComplete) Context.System.EventStream.Publish(new ImageUsageWanted(Self));
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Usage-dependent work waits for the containers' answer in the next incarnation; keep the waiting requests.
        Stash.UnstashAll();
        base.PreRestart(reason, message);
    }

    /// <summary>Decides, writes a changed index before applying it, applies, then performs the events' effects and replies.</summary>
    private void Decide(object command, IActorRef replyTo)
    {
        var decision = ImagesAggregate.Decide(_state, command, _clock.GetUtcNow());
        if (decision.Deferred) { Stash.Stash(); return; }
        var reply = decision.Reply;
        try
        {
            if (decision.Events.OfType<ImagesEvent.IndexReplaced>().LastOrDefault() is { } replaced) _store.IndexFile.Save(replaced.Index);
        }
        catch (Exception e)
        {
            replyTo.Tell(ToError(e));
            return;
        }
        if (reply is ImagesPruned pruned)
        {
            var reclaimed = decision.Events.OfType<ImagesEvent.GarbageQueued>().SelectMany(q => q.Garbage.ChainIds).Sum(_store.SizeOf);
            reply = new ImagesPruned(pruned.Report with { SpaceReclaimed = reclaimed });
        }
        var wasComplete = _state.UsageComplete;
        _state = ImagesAggregate.ApplyAll(_state, decision.Events);
        foreach (var e in decision.Events) Perform(e, replyTo);
        // The sweep comes before the answer, as dockerd's prune is done when it answers: a client that lists the
        // store right after sees the orphans gone.
        if (command is PruneImages) Sweep();
        if (reply != null) replyTo.Tell(reply);
        if (!wasComplete && _state.UsageComplete) Stash.UnstashAll();
    }

    /// <summary>Queues every snapshot and blob on disk for deletion; the recheck before deleting keeps what is still used.</summary>
    private void Sweep() =>
        Decide(new ImagesInternal.OrphansFound(GarbageSweep.Orphans(_store.Snapshots.List(), _store.Content.List())), ActorRefs.Nobody);

    private void Perform(ImagesEvent e, IActorRef replyTo)
    {
        switch (e)
        {
            case ImagesEvent.Published p: _events.Publish(p.Action, p.Id, p.Attributes); break;
            case ImagesEvent.GarbageTaken t: DeleteGarbage(t.Dead); break;
            case ImagesEvent.JobStarted j: StartJob(j.Plan, replyTo); break;
        }
    }

    /// <summary>Renames dead snapshots away and unlinks dead blobs now; a child deletes the renamed trees.</summary>
    private void DeleteGarbage(Garbage dead)
    {
        var trash = _store.Retire(dead);
        if (trash.Count == 0) return;
        Func<object> deleteTrash = () =>
        {
            foreach (var dir in trash) Directory.Delete(dir, recursive: true);
            return new TrashDeleted();
        };
        Context.ActorOf(Akka.Actor.Props.Create(() => new ImageJobActor(deleteTrash, ActorRefs.Nobody, false, null)), $"gc-{++_jobCounter}");
    }

    private void StartJob(ImageJobPlan plan, IActorRef replyTo)
    {
        var now = _clock.GetUtcNow();
        var log = new IngestLog();
        (string Kind, Func<object> Work) job = plan switch
        {
            ImageJobPlan.Import i => ("import", () => new ImageJobOutcome.Staged(
                [_store.Import(i.Command.Source, i.Tags, i.Command.Message, i.Command.Changes, now, i.Command.Progress, log)], "import")),
            ImageJobPlan.Commit c => ("commit", () => new ImageJobOutcome.Staged(
                [_store.Commit(c.Parent, c.ParentLayers, c.Command.UpperDir, c.Command.Config, c.Command.ContainerId, c.Command.Comment,
                    c.Command.Author, c.Command.Changes, c.Tags, now, log)], "commit")),
            ImageJobPlan.Load l => ("load", () => new ImageJobOutcome.Staged(new ArchiveLoader(_store, log).Load(l.Command.Source, l.Command.Progress), "load")),
            ImageJobPlan.Save s => ("save", () =>
            {
                new ArchiveWriter(_store, s.Index).Write(s.Items, s.Command.Destination, s.Command.Format);
                return new ImageJobOutcome.Saved(s.Items);
            }),
            _ => throw new ArgumentException($"unknown job {plan.GetType().Name}", nameof(plan)),
        };
        Context.ActorOf(Akka.Actor.Props.Create(() => new ImageJobActor(job.Work, replyTo, true, log)), $"{job.Kind}-{++_jobCounter}");
    }

    private void Reply(Func<IImageReply> handler)
    {
        try { Sender.Tell(handler()); }
        catch (Exception e) { Sender.Tell(ToError(e)); }
    }

    private static ImageError ToError(Exception e) => e switch
    {
        ImageOperationException op => new ImageError(op.Kind, op.Message),
        InvalidReferenceException r => new ImageError(ImageErrorKind.InvalidArgument, r.Message),
        _ => new ImageError(ImageErrorKind.Internal, StorageFault.Describe(e)),
    };

    private sealed record TrashDeleted;

    /// <summary>Runs one blocking job off the actor's thread and hands its outcome back to the images actor, then stops.</summary>
    private sealed class ImageJobActor : ReceiveActor
    {
        public ImageJobActor(Func<object> work, IActorRef replyTo, bool report, IngestLog? log = null)
        {
            var parent = Context.Parent;
            Task.Run(work).PipeTo(Self,
                success: r => r is ImageJobOutcome outcome ? new ImagesInternal.JobFinished(outcome, replyTo) : r,
                failure: e => new ImagesInternal.JobFinished(
                    new ImageJobOutcome.Failed(ToError(e is AggregateException { InnerException: { } inner } ? inner : e), log?.ToGarbage() ?? Garbage.None), replyTo));
            Receive<ImagesInternal.JobFinished>(m => { if (report) parent.Tell(m); Context.Stop(Self); });
            ReceiveAny(_ => Context.Stop(Self));
        }
    }
}
