using Berth.Actors.Images;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;
using CsCheck;

namespace Berth.Actors.Tests.Images;

/// <summary>
/// Rules of the image index that hold for any sequence of commands (tags, rmi, prune, containers taking and releasing
/// images, jobs starting and ending, orphans found on disk), checked on random sequences by CsCheck.
/// </summary>
public sealed class ImagesAggregateProperties
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static Digest D(int n) => Digest.Sha256(n.ToString("x64"));

    // Four images over five layers: "base" is everyone's bottom layer, "app" and "tool" share two, "other" stands alone.
    private static readonly (string Name, int Id, int[] Layers)[] Images =
        [("base", 101, [1]), ("app", 102, [1, 2]), ("tool", 103, [1, 2, 3]), ("other", 104, [4, 5])];

    private static ImageRecord Record(int id, int[] layers) =>
        new() { Id = D(id), Manifest = D(id + 1000), DiffIds = [.. layers.Select(D)], Created = Now.AddDays(-30) };

    private static ImageIndex Seeded()
    {
        var index = ImageIndex.Empty;
        foreach (var (name, id, layers) in Images)
        {
            index = index.AddImage(Record(id, layers), layers.Select(l => new LayerRecord(D(l), D(l + 500), "application/vnd.oci.image.layer.v1.tar", 10, 20)));
            index = index.Tag(D(id), ImageReference.Parse(name).WithDefaultTag(), Now.AddDays(-30));
        }
        return index;
    }

    private static readonly Gen<string> Names = Gen.OneOf("base", "app", "tool", "other", "app:v2", "nope", D(102).ToString(), D(104).Hex[..12]);
    private static readonly Gen<string> Containers = Gen.OneOf("c1", "c2", "c3");

    private static ContainerImageUse Use(string container, int imageIndex, bool running)
    {
        var (_, id, layers) = Images[imageIndex];
        return new ContainerImageUse(container, D(id).ToString(), running, [.. Record(id, layers).ChainIds.Select(c => c.ToString())]);
    }

    private static readonly Gen<object> Commands = Gen.Frequency(
        (3, Gen.Select(Names, Gen.OneOf("x", "app"), Gen.OneOf("latest", "v2"), (s, r, t) => (object)new TagImage(s, r, t))),
        (4, Gen.Select(Names, Gen.Bool, Gen.Bool, (n, f, p) => (object)new RemoveImage(n, f, p))),
        (2, Gen.OneOf<object>(new PruneImages(FilterSet.None),
            new PruneImages(new FilterSet(new Dictionary<string, IReadOnlyList<string>> { ["dangling"] = ["false"] })))),
        (3, Gen.Select(Containers, Gen.Int[0, Images.Length - 1], Gen.Bool, (c, i, r) => (object)new ImageInUse(Use(c, i, r)))),
        (2, Containers.Select(c => (object)new ImageReleased(c))),
        (1, Gen.Const<object>(new ImageUsageComplete())),
        (2, Gen.Const<object>(new LoadImages(Stream.Null))),
        (2, Gen.Const<object>(new ImagesInternal.JobFinished(new ImageJobOutcome.Failed(new ImageError(ImageErrorKind.Internal, "disk"),
            new Garbage([D(9)], [D(509)])), Akka.Actor.ActorRefs.Nobody))),
        (2, Gen.Int[1, 9].Select(n => (object)new ImagesInternal.OrphansFound(new Garbage([.. Enumerable.Range(1, n).Select(D)], [D(500 + n)])))));

    /// <summary>Runs a sequence as the actor would (deferred commands wait until usage is complete), checking every step.</summary>
    private static void Play(IReadOnlyList<object> commands, Action<ImagesState, object, ImagesDecision, ImagesState> check)
    {
        var state = ImagesState.Initial(Seeded(), usageComplete: false);
        var deferred = new List<object>();
        var queue = new Queue<object>(commands);
        while (queue.Count > 0)
        {
            var command = queue.Dequeue();
            // A job can only finish after it started; a container can only take an image that exists (it resolved it).
            if (command is ImagesInternal.JobFinished && state.ActiveJobs == 0) continue;
            if (command is ImageInUse u && state.Index.Get(Digest.Parse(u.Use.ImageId)) == null) continue;
            var decision = ImagesAggregate.Decide(state, command, Now);
            if (decision.Deferred) { deferred.Add(command); continue; }
            var next = ImagesAggregate.ApplyAll(state, decision.Events);
            check(state, command, decision, next);
            if (!state.UsageComplete && next.UsageComplete)
            {
                foreach (var d in deferred) queue.Enqueue(d);
                deferred.Clear();
            }
            state = next;
        }
    }

    private static IEnumerable<Digest> LiveChains(ImagesState s) =>
        s.Index.Images.Values.SelectMany(i => i.ChainIds).Concat(s.Uses.Values.SelectMany(u => u.ChainIds.Select(Digest.Parse)));

    [Fact]
    public void Every_reference_names_an_image_in_the_index() =>
        Commands.List[1, 40].Sample(cs => Play(cs, (_, _, _, next) =>
            Assert.All(next.References(), r => Assert.NotNull(next.Index.Get(r)))));

    [Fact]
    public void Snapshots_and_blobs_are_deleted_only_when_no_job_runs_usage_is_known_and_nothing_uses_them() =>
        Commands.List[1, 40].Sample(cs => Play(cs, (before, _, decision, next) =>
        {
            var state = before;
            foreach (var e in decision.Events)
            {
                if (e is ImagesEvent.GarbageTaken taken)
                {
                    Assert.Equal(0, state.ActiveJobs);
                    Assert.True(state.UsageComplete);
                    var live = LiveChains(state).ToHashSet();
                    Assert.DoesNotContain(taken.Dead.ChainIds, live.Contains);
                }
                state = ImagesAggregate.Apply(state, e);
            }
        }));

    [Fact]
    public void An_image_a_running_container_uses_is_never_removed() =>
        Commands.List[1, 40].Sample(cs => Play(cs, (before, _, _, next) =>
        {
            foreach (var use in before.Uses.Values.Where(u => u.Running))
                Assert.NotNull(next.Index.Get(Digest.Parse(use.ImageId)));
        }));

    [Fact]
    public void Removal_and_prune_wait_until_the_containers_have_reported_what_they_use() =>
        Commands.List[1, 40].Sample(cs =>
        {
            var state = ImagesState.Initial(Seeded(), usageComplete: false);
            foreach (var c in cs.Where(c => c is not ImageUsageComplete and not ImagesInternal.JobFinished))
            {
                var decision = ImagesAggregate.Decide(state, c, Now);
                if (c is RemoveImage or PruneImages) Assert.True(decision.Deferred);
                Assert.DoesNotContain(decision.Events, e => e is ImagesEvent.GarbageTaken);
                state = ImagesAggregate.ApplyAll(state, decision.Events);
            }
        });

    [Fact]
    public void Running_jobs_are_counted_exactly_and_never_below_zero() =>
        Commands.List[1, 40].Sample(cs =>
        {
            var running = 0;
            Play(cs, (_, command, decision, next) =>
            {
                running += decision.Events.Count(e => e is ImagesEvent.JobStarted) - decision.Events.Count(e => e is ImagesEvent.JobEnded);
                Assert.Equal(running, next.ActiveJobs);
                Assert.True(next.ActiveJobs >= 0);
            });
        });

    [Fact]
    public void A_refused_command_changes_nothing() =>
        Commands.List[1, 40].Sample(cs => Play(cs, (_, _, decision, _) =>
        {
            if (decision.Reply is ImageError) Assert.Empty(decision.Events.Where(e => e is not ImagesEvent.JobEnded and not ImagesEvent.GarbageQueued and not ImagesEvent.GarbageTaken));
        }));

    [Fact]
    public void Rmi_of_an_image_a_stopped_container_uses_is_a_conflict_unless_forced()
    {
        var state = ImagesAggregate.ApplyAll(ImagesState.Initial(Seeded(), usageComplete: true),
            ImagesAggregate.Decide(ImagesState.Initial(Seeded(), usageComplete: true), new ImageInUse(Use("c1", 3, running: false)), Now).Events);

        var refused = ImagesAggregate.Decide(state, new RemoveImage("other", Force: false, NoPrune: false), Now);
        var forced = ImagesAggregate.Decide(state, new RemoveImage("other", Force: true, NoPrune: false), Now);

        Assert.Equal(ImageErrorKind.Conflict, Assert.IsType<ImageError>(refused.Reply).Kind);
        Assert.Empty(refused.Events);
        Assert.IsType<ImageRemoved>(forced.Reply);
        // The container still stacks the image's snapshots: nothing of them is deleted.
        Assert.DoesNotContain(forced.Events.OfType<ImagesEvent.GarbageTaken>().SelectMany(g => g.Dead.ChainIds), Use("c1", 3, false).ChainIds.Select(Digest.Parse).Contains);
    }
}

internal static class ImagesStateReading
{
    /// <summary>The image ids every reference of the index points at.</summary>
    public static IEnumerable<Digest> References(this ImagesState s) => s.Index.References.Values;
}
