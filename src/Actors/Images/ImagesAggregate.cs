using System.Collections.Immutable;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images;

/// <summary>
/// What the images actor knows between messages: the index as stored, which containers hold which images (as the
/// containers domain reported it), snapshots and blobs waiting to be deleted, and how many ingest or save jobs run.
/// </summary>
public sealed record ImagesState(
    ImageIndex Index,
    ImmutableDictionary<string, ContainerImageUse> Uses,
    bool UsageComplete,
    Garbage Pending,
    int ActiveJobs)
{
    /// <param name="usageComplete">false where a containers domain will report usage (berthd), true for an images actor alone.</param>
    public static ImagesState Initial(ImageIndex index, bool usageComplete) =>
        new(index, ImmutableDictionary<string, ContainerImageUse>.Empty, usageComplete, Garbage.None, 0);

    public IReadOnlyList<ContainerImageUse> CurrentUses => [.. Uses.Values];
}

/// <summary>A change to <see cref="ImagesState"/>, decided by <see cref="ImagesAggregate"/>; some carry an effect the actor performs.</summary>
public abstract record ImagesEvent
{
    /// <summary>The index after a tag, removal, prune or ingest; the actor writes it to index.json before applying it.</summary>
    public sealed record IndexReplaced(ImageIndex Index) : ImagesEvent;
    /// <summary>An engine event to publish (tag, untag, delete, import, load, save).</summary>
    public sealed record Published(string Action, string Id, IReadOnlyDictionary<string, string> Attributes) : ImagesEvent;
    public sealed record UsageSet(ContainerImageUse Use) : ImagesEvent;
    public sealed record UsageReleased(string ContainerId) : ImagesEvent;
    /// <summary>Every container known at start has reported: usage-dependent requests may be answered now.</summary>
    public sealed record UsageCompleted : ImagesEvent;
    public sealed record GarbageQueued(Garbage Garbage) : ImagesEvent;
    /// <summary>Pending garbage was rechecked; what is still dead is deleted by the actor (snapshots renamed away, blobs unlinked).</summary>
    public sealed record GarbageTaken(Garbage Dead) : ImagesEvent;
    /// <summary>A job starts; the actor runs <paramref name="Plan"/> off its thread.</summary>
    public sealed record JobStarted(ImageJobPlan Plan) : ImagesEvent;
    public sealed record JobEnded : ImagesEvent;
}

/// <summary>What a job will do, with every input it needs decided from the index beforehand.</summary>
public abstract record ImageJobPlan
{
    public sealed record Import(ImportImage Command, IReadOnlyList<string> Tags) : ImageJobPlan;
    public sealed record Commit(CommitContainer Command, ImageRecord Parent, IReadOnlyList<LayerRecord> ParentLayers, IReadOnlyList<string> Tags) : ImageJobPlan;
    public sealed record Load(LoadImages Command) : ImageJobPlan;
    public sealed record Save(SaveImages Command, IReadOnlyList<SaveItem> Items, ImageIndex Index) : ImageJobPlan;
}

/// <summary>The outcome of a job, handed back to the aggregate as a command.</summary>
public abstract record ImageJobOutcome
{
    /// <summary>Images staged on disk by import, commit or load ("import", "commit", "load"), ready to enter the index.</summary>
    public sealed record Staged(IReadOnlyList<StagedImage> Images, string Action) : ImageJobOutcome;
    public sealed record Saved(IReadOnlyList<SaveItem> Items) : ImageJobOutcome;
    /// <summary>The job failed; what it had already put on disk is garbage.</summary>
    public sealed record Failed(ImageError Error, Garbage Leftovers) : ImageJobOutcome;
}

/// <summary>Commands only the images actor sends itself: a job's outcome, and orphans found on disk by a sweep.</summary>
public abstract record ImagesInternal
{
    public sealed record JobFinished(ImageJobOutcome Outcome, Akka.Actor.IActorRef ReplyTo) : ImagesInternal, Akka.Actor.INoSerializationVerificationNeeded;
    public sealed record OrphansFound(Garbage Orphans) : ImagesInternal;
}

/// <summary>What Decide returns: events to apply (in order) and the reply, or <see cref="Deferred"/> until usage is known.</summary>
public sealed record ImagesDecision(IReadOnlyList<ImagesEvent> Events, IImageReply? Reply, bool Deferred = false)
{
    public static readonly ImagesDecision Defer = new([], null, Deferred: true);
    public static ImagesDecision Refuse(ImageError error) => new([], error);
}

/// <summary>
/// Every rule of the node's image index in one pure place: tags, removal and prune against the containers' usage,
/// entering staged images, and when unreferenced snapshots and blobs may be deleted (never while a job runs or before
/// the containers have reported what they use). The actor around it reads the store and runs jobs; nothing here does I/O.
/// </summary>
public static class ImagesAggregate
{
    public static ImagesDecision Decide(ImagesState state, object command, DateTimeOffset now)
    {
        try
        {
            var decision = DecideCore(state, command, now);
            return decision.Deferred ? decision : decision with { Events = WithCollection(state, decision.Events) };
        }
        catch (ImageOperationException e) { return ImagesDecision.Refuse(new ImageError(e.Kind, e.Message)); }
        catch (InvalidReferenceException e) { return ImagesDecision.Refuse(new ImageError(ImageErrorKind.InvalidArgument, e.Message)); }
    }

    public static ImagesState Apply(ImagesState state, ImagesEvent e) => e switch
    {
        ImagesEvent.IndexReplaced r => state with { Index = r.Index },
        ImagesEvent.UsageSet u => state with { Uses = state.Uses.SetItem(u.Use.ContainerId, u.Use) },
        ImagesEvent.UsageReleased r => state with { Uses = state.Uses.Remove(r.ContainerId) },
        ImagesEvent.UsageCompleted => state with { UsageComplete = true },
        ImagesEvent.GarbageQueued q => state with { Pending = state.Pending.Merge(q.Garbage) },
        ImagesEvent.GarbageTaken => state with { Pending = Garbage.None },
        ImagesEvent.JobStarted => state with { ActiveJobs = state.ActiveJobs + 1 },
        ImagesEvent.JobEnded => state with { ActiveJobs = state.ActiveJobs - 1 },
        _ => state,
    };

    public static ImagesState ApplyAll(ImagesState state, IEnumerable<ImagesEvent> events) => events.Aggregate(state, Apply);

    private static ImagesDecision DecideCore(ImagesState s, object command, DateTimeOffset now)
    {
        switch (command)
        {
            case ImageInUse u: return Events(new ImagesEvent.UsageSet(u.Use));
            case ImageReleased r: return Events(new ImagesEvent.UsageReleased(r.ContainerId));
            case ImageUsageComplete: return s.UsageComplete ? Events() : Events(new ImagesEvent.UsageCompleted());
            case RemoveImage or PruneImages when !s.UsageComplete: return ImagesDecision.Defer;
            case TagImage c: return Tag(s, c, now);
            case RemoveImage c:
            {
                var result = new ImageRemoval(s.CurrentUses).Remove(s.Index, c.Name, c.Force, prune: !c.NoPrune);
                return new ImagesDecision(Removal(result), new ImageRemoved(result.Items));
            }
            case PruneImages c:
            {
                var result = ImagePrune.Plan(s.Index, c.Filters.Values, s.CurrentUses, now);
                // A prune also sweeps: it reclaims what force-removed images left once their last container went.
                return new ImagesDecision(Removal(result), new ImagesPruned(new ImagePruneResponse(result.Items.Count == 0 ? null : result.Items, 0)));
            }
            case ImportImage c: return Job(new ImageJobPlan.Import(c, ImportTags(c.Repo, c.Tag)));
            case CommitContainer c:
            {
                var tags = ImportTags(c.Repo, c.Tag);
                var parent = s.Index.Resolve(c.Image);
                var layers = parent.DiffIds.Select(d => s.Index.Layers.GetValueOrDefault(d.ToString())
                    ?? throw new ImageOperationException(ImageErrorKind.Internal, $"layer {d} of image {parent.Id} has no blob")).ToList();
                return Job(new ImageJobPlan.Commit(c, parent, layers, tags));
            }
            case LoadImages c: return Job(new ImageJobPlan.Load(c));
            case SaveImages c: return Job(new ImageJobPlan.Save(c, SaveItems(s.Index, c.Names), s.Index));
            case ImagesInternal.JobFinished f: return Finished(s, f.Outcome, now);
            case ImagesInternal.OrphansFound o: return Events(new ImagesEvent.GarbageQueued(o.Orphans));
            default: throw new ArgumentException($"the images aggregate does not take {command.GetType().Name}", nameof(command));
        }
    }

    /// <summary>After any decision: pending garbage is taken (rechecked against the index and usage) once no job runs and usage is known.</summary>
    private static IReadOnlyList<ImagesEvent> WithCollection(ImagesState before, IReadOnlyList<ImagesEvent> events)
    {
        var after = ApplyAll(before, events);
        if (after.ActiveJobs > 0 || !after.UsageComplete || (after.Pending.ChainIds.Count == 0 && after.Pending.Blobs.Count == 0)) return events;
        return [.. events, new ImagesEvent.GarbageTaken(GarbageRecheck.StillDead(after.Pending, after.Index, after.CurrentUses))];
    }

    private static ImagesDecision Tag(ImagesState s, TagImage c, DateTimeOffset now)
    {
        var image = s.Index.Resolve(c.Source);
        var reference = ParseTarget(c.Repo, c.Tag);
        var next = s.Index.Tag(image.Id, reference, now);
        return new ImagesDecision([new ImagesEvent.IndexReplaced(next), Publish("tag", next.Get(image.Id)!, reference.Familiar)],
            new ImageTagged(image.Id.ToString(), reference.Familiar));
    }

    private static List<ImagesEvent> Removal(RemovalResult result) =>
    [
        new ImagesEvent.IndexReplaced(result.Index),
        .. result.Events.Select(e => new ImagesEvent.Published(e.Action, e.Id, new Dictionary<string, string> { ["name"] = e.Name })),
        new ImagesEvent.GarbageQueued(result.Garbage),
    ];

    private static ImagesDecision Finished(ImagesState s, ImageJobOutcome outcome, DateTimeOffset now)
    {
        var ended = new ImagesEvent.JobEnded();
        switch (outcome)
        {
            case ImageJobOutcome.Staged staged:
            {
                var (next, lines, published) = Enter(s.Index, staged, now);
                IImageReply reply = staged.Action switch
                {
                    "import" => new ImageImported(staged.Images[0].Image.Id.ToString()),
                    "commit" => new ImageCommitted(staged.Images[0].Image.Id.ToString()),
                    _ => new ImagesLoaded(lines),
                };
                return new ImagesDecision([ended, new ImagesEvent.IndexReplaced(next), .. published], reply);
            }
            case ImageJobOutcome.Saved saved:
                return new ImagesDecision(
                    [ended, .. saved.Items.Select(i => Publish("save", i.Image, i.Tags.Count > 0 ? i.Tags[0].Familiar : i.Image.Id.ToString()))],
                    new ImagesSaved([.. saved.Items.Select(i => i.Image.Id.ToString())]));
            case ImageJobOutcome.Failed failed:
                return new ImagesDecision([ended, new ImagesEvent.GarbageQueued(failed.Leftovers)], failed.Error);
            default:
                throw new ArgumentException($"unknown job outcome {outcome.GetType().Name}", nameof(outcome));
        }
    }

    /// <summary>Enters staged images in the index (tags move to them) and returns docker's load lines and the events to publish.</summary>
    private static (ImageIndex Index, List<string> Lines, List<ImagesEvent> Published) Enter(ImageIndex index, ImageJobOutcome.Staged staged, DateTimeOffset now)
    {
        var next = index;
        var lines = new List<string>();
        var entered = new List<(string Action, ImageRecord Image, string Name)>();
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
                entered.Add(("tag", image.Image, reference.Familiar));
                lines.Add($"Loaded image: {reference.Familiar}");
            }
            if (staged.Action != "commit") entered.Add((staged.Action, image.Image, image.Image.Id.ToString()));   // commit is a container event
        }
        return (next, lines, [.. entered.Select(e => Publish(e.Action, next.Get(e.Image.Id) ?? e.Image, e.Name))]);
    }

    /// <summary>
    /// What docker save writes for each name: a tagged reference records that tag, a bare repository name every tag
    /// of that repository, an image ID no tag at all. Several names of one image are merged.
    /// </summary>
    private static List<SaveItem> SaveItems(ImageIndex index, IReadOnlyList<string> names)
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
                var repoTags = index.References.Keys.Select(ImageReference.Parse).Where(r => r.IsTagged && r.Name == reference.Name).ToList();
                if (repoTags.Count > 0)
                {
                    foreach (var group in repoTags.GroupBy(r => index.References[r.ToString()]))
                        Add(index.Get(group.Key)!, group);
                    continue;
                }
            }
            var image = index.Resolve(name);
            Add(image, !isId && ImageReference.TryParse(name, out var tagged) && tagged!.IsTagged ? [tagged.WithDefaultTag()] : []);
        }
        return items;
    }

    private static IReadOnlyList<string> ImportTags(string? repo, string? tag) =>
        string.IsNullOrEmpty(repo) ? [] : [ParseTarget(repo, tag).ToString()];

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

    private static ImagesEvent.Published Publish(string action, ImageRecord image, string name)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var (k, v) in image.Labels ?? new Dictionary<string, string>()) attributes[k] = v;
        attributes["name"] = name;
        return new ImagesEvent.Published(action, image.Id.ToString(), attributes);
    }

    private static ImagesDecision Events(params ImagesEvent[] events) => new(events, null);

    private static ImagesDecision Job(ImageJobPlan plan) => new([new ImagesEvent.JobStarted(plan)], null);
}
