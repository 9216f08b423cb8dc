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
    private readonly ImageUsage _usage;
    private readonly TimeProvider _clock;
    private ImageIndex _index;
    private int _activeJobs;
    private int _jobCounter;
    private Garbage _pending = Garbage.None;

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
        _usage = new ImageUsage(complete: !awaitContainers);
        _clock = clock;
        _index = store.IndexFile.Load();

        Receive<ImageInUse>(u => _usage.Set(u.Use));
        Receive<ImageReleased>(r => _usage.Release(r.ContainerId));
        Receive<ImageUsageComplete>(_ =>
        {
            if (_usage.Complete) return;
            _usage.Complete = true;
            Stash.UnstashAll();
            CollectGarbage();
        });
        // What answers from usage waits until the containers have reported it.
        Receive<RemoveImage>(_ => !_usage.Complete, _ => Stash.Stash());
        Receive<PruneImages>(_ => !_usage.Complete, _ => Stash.Stash());
        Receive<GetImageDiskUsage>(_ => !_usage.Complete, _ => Stash.Stash());

        Receive<ListImages>(q => Reply(() => new ImageList(ImageViews.List(_index, q.All, q.Filters.Values, _store.SizeOf))));
        Receive<InspectImage>(q => Reply(() =>
        {
            var image = _index.Resolve(q.Name);
            return new ImageInspected(ImageViews.Inspect(_index, image, _store.ReadConfig(image.Id), _store.SizeOf, c => _store.Snapshots.FsOf(c)));
        }));
        Receive<GetImageHistory>(q => Reply(() =>
        {
            var image = _index.Resolve(q.Name);
            return new ImageHistory(ImageViews.History(_index, image, _store.ReadConfig(image.Id), _store.SizeOf));
        }));
        Receive<GetImageDiskUsage>(_ => Reply(() => new ImageDiskUsageReport(ImageViews.DiskUsage(_index, _store.SizeOf, _usage.Current()))));
        Receive<ResolveImage>(q => Reply(() =>
        {
            var image = _index.Resolve(q.Name);
            if (q.ForContainer is { } holder) _usage.Set(new ContainerImageUse(holder, image.Id.ToString(), false, [.. image.ChainIds.Select(c => c.ToString())]));
            return new ImageResolved(image.Id.ToString(), _store.ReadConfig(image.Id).Config, _store.LowerDirs(image), [.. image.ChainIds.Select(c => c.ToString())]);
        }));
        Receive<TagImage>(c => Reply(() => Tag(c)));
        Receive<RemoveImage>(c => Reply(() =>
        {
            var result = new ImageRemoval(_usage.Current()).Remove(_index, c.Name, c.Force, prune: !c.NoPrune);
            Commit(result);
            return new ImageRemoved(result.Items);
        }));
        Receive<PruneImages>(c => Reply(() =>
        {
            var result = ImagePrune.Plan(_index, c.Filters.Values, _usage.Current(), _clock.GetUtcNow());
            var reclaimed = result.Garbage.ChainIds.Sum(_store.SizeOf);
            Commit(result);
            Sweep();
            return new ImagesPruned(new ImagePruneResponse(result.Items.Count == 0 ? null : result.Items, reclaimed));
        }));

        Receive<SweepUnusedLayers>(_ => Sweep());

        Receive<ImportImage>(c =>
        {
            var tags = new List<string>();
            try { if (ImportTag(c.Repo, c.Tag) is { } tag) tags.Add(tag.ToString()); }
            catch (Exception e) { Sender.Tell(ToError(e)); return; }
            var now = _clock.GetUtcNow();
            var log = new IngestLog();
            StartJob("import", Sender, () => new StagedImages([_store.Import(c.Source, tags, c.Message, c.Changes, now, c.Progress, log)], "import"), log);
        });
        Receive<CommitContainer>(c =>
        {
            List<string> tags;
            ImageRecord parent;
            List<LayerRecord> parentLayers;
            try
            {
                tags = ImportTag(c.Repo, c.Tag) is { } tag ? [tag.ToString()] : [];
                parent = _index.Resolve(c.Image);
                parentLayers = [.. parent.DiffIds.Select(d => _index.Layers.GetValueOrDefault(d.ToString())
                    ?? throw new ImageOperationException(ImageErrorKind.Internal, $"layer {d} of image {parent.Id} has no blob"))];
            }
            catch (Exception e) { Sender.Tell(ToError(e)); return; }
            var now = _clock.GetUtcNow();
            var log = new IngestLog();
            StartJob("commit", Sender, () => new StagedImages(
                [_store.Commit(parent, parentLayers, c.UpperDir, c.Config, c.ContainerId, c.Comment, c.Author, c.Changes, tags, now, log)], "commit"), log);
        });
        Receive<LoadImages>(c =>
        {
            var log = new IngestLog();
            StartJob("load", Sender, () => new StagedImages(new ArchiveLoader(_store, log).Load(c.Source, c.Progress), "load"), log);
        });
        Receive<SaveImages>(c =>
        {
            List<SaveItem> items;
            try { items = SaveItems(c.Names); }
            catch (Exception e) { Sender.Tell(ToError(e)); return; }
            var index = _index;
            StartJob("save", Sender, () =>
            {
                new ArchiveWriter(_store, index).Write(items, c.Destination, c.Format);
                return new SavedImages(items);
            });
        });
        Receive<JobSucceeded>(OnJobSucceeded);
        Receive<JobFailed>(f =>
        {
            _activeJobs--;
            f.ReplyTo.Tell(ToError(f.Error));
            // What the failed job had already put on disk goes again (unless another job now relies on it).
            if (f.Log is { } log) _pending = _pending.Merge(log.ToGarbage());
            CollectGarbage();
        });
    }

    /// <summary>A restarted images actor lost what the containers told it: it asks again (and waits, as at start).</summary>
    protected override void PostRestart(Exception reason)
    {
        if (!_usage.Complete) Context.System.EventStream.Publish(new ImageUsageWanted(Self));
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Usage-dependent work waits for the containers' answer in the next incarnation; keep the waiting requests.
        Stash.UnstashAll();
        base.PreRestart(reason, message);
    }

    private ImageTagged Tag(TagImage c)
    {
        var image = _index.Resolve(c.Source);
        var reference = ParseTarget(c.Repo, c.Tag);
        Save(_index.Tag(image.Id, reference, _clock.GetUtcNow()));
        Publish("tag", _index.Get(image.Id)!, reference.Familiar);
        return new ImageTagged(image.Id.ToString(), reference.Familiar);
    }

    private void OnJobSucceeded(JobSucceeded done)
    {
        _activeJobs--;
        try
        {
            switch (done.Result)
            {
                case StagedImages staged:
                {
                    var lines = Enter(staged);
                    done.ReplyTo.Tell(staged.Action switch
                    {
                        "import" => new ImageImported(staged.Images[0].Image.Id.ToString()),
                        "commit" => new ImageCommitted(staged.Images[0].Image.Id.ToString()),
                        _ => (IImageReply)new ImagesLoaded(lines),
                    });
                    break;
                }
                case SavedImages saved:
                    foreach (var item in saved.Items)
                        Publish("save", item.Image, item.Tags.Count > 0 ? item.Tags[0].Familiar : item.Image.Id.ToString());
                    done.ReplyTo.Tell(new ImagesSaved([.. saved.Items.Select(i => i.Image.Id.ToString())]));
                    break;
            }
        }
        catch (Exception e)
        {
            done.ReplyTo.Tell(ToError(e));
        }
        CollectGarbage();
    }

    /// <summary>Enters staged images in the index (tags move to them), persists it, publishes, and returns docker's load lines.</summary>
    private List<string> Enter(StagedImages staged)
    {
        var next = _index;
        var lines = new List<string>();
        var events = new List<(string Action, ImageRecord Image, string Name)>();
        var now = _clock.GetUtcNow();
        foreach (var image in staged.Images)
        {
            next = next.AddImage(image.Image, image.Layers);
            if (image.Tags.Count == 0) lines.Add($"Loaded image ID: {image.Image.Id}");
            foreach (var tag in image.Tags)
            {
                var reference = ImageReference.Parse(tag);
                if (next.References.TryGetValue(reference.ToString(), out var old) && old != image.Image.Id)
                    lines.Add($"The image {reference.Familiar} already exists, renaming the old one with ID {old} to empty string");
                next = next.Tag(image.Image.Id, reference, now);
                events.Add(("tag", image.Image, reference.Familiar));
                lines.Add($"Loaded image: {reference.Familiar}");
            }
            if (staged.Action != "commit") events.Add((staged.Action, image.Image, image.Image.Id.ToString()));   // commit is a container event
        }
        Save(next);
        foreach (var (action, image, name) in events) Publish(action, _index.Get(image.Id) ?? image, name);
        return lines;
    }

    /// <summary>
    /// What docker save writes for each name: a tagged reference records that tag, a bare repository name every tag
    /// of that repository, an image ID no tag at all. Several names of one image are merged.
    /// </summary>
    private List<SaveItem> SaveItems(IReadOnlyList<string> names)
    {
        var items = new List<SaveItem>();
        void Add(ImageRecord image, IEnumerable<ImageReference> tags)
        {
            var existing = items.FindIndex(i => i.Image.Id == image.Id);
            if (existing >= 0) items[existing] = items[existing] with { Tags = [.. items[existing].Tags.Concat(tags).Distinct()] };
            else items.Add(new SaveItem(image, [.. tags]));
        }
        foreach (var name in names)
        {
            var isId = Content.Digest.TryParse(name, out _) || ImageReference.IsFullHexId(name);
            if (!isId && ImageReference.TryParse(name, out var reference) && reference is { IsTagged: false, IsCanonical: false })
            {
                // A bare repository name saves every tag of that repository (which may be several images).
                var repoTags = _index.References.Keys.Select(ImageReference.Parse).Where(r => r.IsTagged && r.Name == reference.Name).ToList();
                if (repoTags.Count > 0)
                {
                    foreach (var group in repoTags.GroupBy(r => _index.References[r.ToString()]))
                        Add(_index.Get(group.Key)!, group);
                    continue;
                }
            }
            var image = _index.Resolve(name);
            Add(image, !isId && ImageReference.TryParse(name, out var tagged) && tagged!.IsTagged ? [tagged.WithDefaultTag()] : []);
        }
        return items;
    }

    private static ImageReference? ImportTag(string? repo, string? tag)
    {
        if (string.IsNullOrEmpty(repo)) return null;
        return ParseTarget(repo, tag);
    }

    private static ImageReference ParseTarget(string repo, string? tag)
    {
        ImageReference reference;
        try { reference = ImageReference.Parse(repo); }
        catch (InvalidReferenceException e) { throw new ImageOperationException(ImageErrorKind.InvalidArgument, e.Message); }
        if (reference.IsCanonical) throw new ImageOperationException(ImageErrorKind.InvalidArgument, "refusing to create a tag with a digest reference");
        if (!string.IsNullOrEmpty(tag))
        {
            try { reference = ImageReference.Parse($"{reference.Name}:{tag}"); }
            catch (InvalidReferenceException e) { throw new ImageOperationException(ImageErrorKind.InvalidArgument, e.Message); }
        }
        return reference.WithDefaultTag();
    }

    private void Commit(RemovalResult result)
    {
        Save(result.Index);
        foreach (var e in result.Events)
            _events.Publish(e.Action, e.Id, new Dictionary<string, string> { ["name"] = e.Name });
        _pending = _pending.Merge(result.Garbage);
        CollectGarbage();
    }

    /// <summary>Queues every snapshot and blob on disk for deletion; the recheck before deleting keeps what is still used.</summary>
    private void Sweep()
    {
        _pending = _pending.Merge(GarbageSweep.Orphans(_store.Snapshots.List(), _store.Content.List()));
        CollectGarbage();
    }

    private void Save(ImageIndex next)
    {
        _store.IndexFile.Save(next);
        _index = next;
    }

    /// <summary>Renames dead snapshots away and unlinks dead blobs now; a child deletes the renamed trees.</summary>
    private void CollectGarbage()
    {
        if (_activeJobs > 0 || !_usage.Complete || (_pending.ChainIds.Count == 0 && _pending.Blobs.Count == 0)) return;
        var garbage = GarbageRecheck.StillDead(_pending, _index, _usage.Current());
        _pending = Garbage.None;
        var trash = _store.Retire(garbage);
        if (trash.Count == 0) return;
        Func<object> deleteTrash = () =>
        {
            foreach (var dir in trash) Directory.Delete(dir, recursive: true);
            return new TrashDeleted();
        };
        Context.ActorOf(Akka.Actor.Props.Create(() => new ImageJobActor(deleteTrash, ActorRefs.Nobody, false, null)), $"gc-{++_jobCounter}");
    }

    private void Publish(string action, ImageRecord image, string name)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var (k, v) in image.Labels ?? new Dictionary<string, string>()) attributes[k] = v;
        attributes["name"] = name;
        _events.Publish(action, image.Id.ToString(), attributes);
    }

    private void StartJob(string kind, IActorRef replyTo, Func<object> work, IngestLog? log = null)
    {
        _activeJobs++;
        Context.ActorOf(Akka.Actor.Props.Create(() => new ImageJobActor(work, replyTo, true, log)), $"{kind}-{++_jobCounter}");
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

    private sealed record StagedImages(IReadOnlyList<StagedImage> Images, string Action);
    private sealed record SavedImages(IReadOnlyList<SaveItem> Items);
    private sealed record TrashDeleted;

    internal sealed record JobSucceeded(object Result, IActorRef ReplyTo) : INoSerializationVerificationNeeded;
    internal sealed record JobFailed(Exception Error, IActorRef ReplyTo, IngestLog? Log = null) : INoSerializationVerificationNeeded;

    /// <summary>Runs one blocking job off the actor's thread and reports back to the images actor, then stops.</summary>
    private sealed class ImageJobActor : ReceiveActor
    {
        public ImageJobActor(Func<object> work, IActorRef replyTo, bool report, IngestLog? log = null)
        {
            var parent = Context.Parent;
            Task.Run(work).PipeTo(Self, success: r => new JobSucceeded(r, replyTo),
                failure: e => new JobFailed(e is AggregateException { InnerException: { } inner } ? inner : e, replyTo, log));
            Receive<JobSucceeded>(m => { if (report) parent.Tell(m); Context.Stop(Self); });
            Receive<JobFailed>(m => { if (report) parent.Tell(m); Context.Stop(Self); });
        }
    }
}
