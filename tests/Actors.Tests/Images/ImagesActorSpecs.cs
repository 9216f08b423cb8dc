using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit;
using Berth.Actors.Images;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Images;

/// <summary>The "images" actor end to end on a real data root: busybox imported from the host, listed, saved, loaded, removed.</summary>
public sealed class ImagesActorSpecs : TestKit
{
    public ImagesActorSpecs() : base(WireConfig.With()) { }

    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);
    private readonly Scratch _scratch = new();
    private readonly RecordingSink _events = new();

    protected override void AfterAll()
    {
        base.AfterAll();
        _scratch.Dispose();
    }

    private (IActorRef Actor, ImageStore Store) Start(string root = "data")
    {
        var store = ImageStore.Open(_scratch.Dir(root));
        return (Sys.ActorOf(ImagesActor.Props(store, _events), ImagesActor.Name + "-" + Guid.NewGuid().ToString("N")[..6]), store);
    }

    /// <summary>A rootfs with the host's static busybox, as ./berth up makes busybox:latest.</summary>
    private static byte[] BusyboxRootfs()
    {
        var ms = new MemoryStream();
        var tar = new TarWriter(ms);
        var binary = File.ReadAllBytes("/bin/busybox");
        tar.Write(new TarEntry { Name = "bin", Type = TarEntryType.Directory, Mode = 0b111_101_101 });
        tar.Write(new TarEntry { Name = "bin/busybox", Size = binary.Length, Mode = 0b111_101_101 }, new MemoryStream(binary));
        tar.Write(new TarEntry { Name = "bin/sh", Type = TarEntryType.Symlink, LinkName = "busybox", Mode = 0b111_111_111 });
        tar.Write(new TarEntry { Name = "tmp", Type = TarEntryType.Directory, Mode = 0b1_111_111_111 });
        tar.Finish();
        return ms.ToArray();
    }

    private T Ask<T>(IActorRef actor, object message) where T : IImageReply
    {
        var reply = actor.Ask<IImageReply>(message, Long).GetAwaiter().GetResult();
        if (reply is ImageError e) throw e.ToException();
        return Assert.IsType<T>(reply);
    }

    /// <summary>The snapshot dirs a container on this node stacks for a resolved image, top layer first.</summary>
    private static IReadOnlyList<string> LowerDirs(ImageStore store, ImageResolved resolved) =>
        store.LowerDirs(resolved.ChainIds.Select(Berth.Actors.Images.Content.Digest.Parse));

    private string ImportBusybox(IActorRef actor, string repo = "busybox", params string[] changes) =>
        Ask<ImageImported>(actor, new ImportImage(new MemoryStream(BusyboxRootfs()), repo, null, null, changes)).Id;

    [Fact]
    public void Importing_busybox_tags_it_and_lists_it_in_dockerds_shape()
    {
        var (actor, _) = Start();
        var id = ImportBusybox(actor, "busybox", "CMD [\"sh\"]");
        Assert.Equal([("tag", id, "busybox:latest"), ("import", id, id)], _events.Names());

        var list = Ask<ImageList>(actor, new ListImages(false, FilterSet.None));
        var summary = Assert.Single(list.Images);
        Assert.Equal(["busybox:latest"], summary.RepoTags);
        Assert.Null(summary.RepoDigests);
        Assert.Equal(new FileInfo("/bin/busybox").Length + "busybox".Length, summary.Size);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(summary));
        Assert.Equal(["Containers", "Created", "Id", "Labels", "ParentId", "RepoDigests", "RepoTags", "SharedSize", "Size", "VirtualSize"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(-1, json.RootElement.GetProperty("Containers").GetInt32());
    }

    [Fact]
    public void Inspect_and_history_answer_in_dockerds_shape_and_missing_images_are_404()
    {
        var (actor, _) = Start();
        var id = ImportBusybox(actor);
        var inspect = Ask<ImageInspected>(actor, new InspectImage("busybox")).Image;
        Assert.Equal(id, inspect.Id);
        Assert.Equal("Imported from -", inspect.Comment);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(inspect));
        Assert.Equal(["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig", "DockerVersion", "Author",
            "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver", "RootFS", "Metadata"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd",
            "Image", "Volumes", "WorkingDir", "Entrypoint", "OnBuild", "Labels"], json.RootElement.GetProperty("Config").EnumerateObject().Select(p => p.Name));
        Assert.True(Directory.Exists(inspect.GraphDriver.Data["UpperDir"]));

        var history = Ask<ImageHistory>(actor, new GetImageHistory(id[7..19])).Items;
        var item = Assert.Single(history);
        Assert.Equal((id, "Imported from -"), (item.Id, item.Comment));
        Assert.Equal(["busybox:latest"], item.Tags);

        var error = actor.Ask<IImageReply>(new InspectImage("nosuch:img"), Long).GetAwaiter().GetResult();
        Assert.Equal(new ImageError(ImageErrorKind.NotFound, "No such image: nosuch:img"), error);
    }

    [Fact]
    public void Rmi_of_an_image_a_container_uses_is_a_conflict_until_forced_and_then_its_snapshot_goes_when_unused()
    {
        var (actor, store) = Start();
        var id = ImportBusybox(actor);
        Ask<ImageTagged>(actor, new TagImage("busybox", "docker.io/library/busybox", "local"));
        var resolved = Ask<ImageResolved>(actor, new ResolveImage("busybox:local"));
        actor.Tell(new ImageInUse(new ContainerImageUse("fb4eb64fbadd0123456789", id, false, resolved.ChainIds)));

        Assert.Equal([ImageDeleteResponseItem.UntaggedRef("busybox:local")], Ask<ImageRemoved>(actor, new RemoveImage("busybox:local", false, false)).Items);
        var conflict = actor.Ask<IImageReply>(new RemoveImage("busybox", false, false), Long).GetAwaiter().GetResult();
        Assert.Equal(ImageErrorKind.Conflict, Assert.IsType<ImageError>(conflict).Kind);

        var removed = Ask<ImageRemoved>(actor, new RemoveImage("busybox", true, false)).Items;
        Assert.Equal([ImageDeleteResponseItem.UntaggedRef("busybox:latest"), ImageDeleteResponseItem.DeletedId(id)], removed);
        Assert.True(Directory.Exists(LowerDirs(store, resolved)[0]));   // the container still stacks it

        actor.Tell(new ImageReleased("fb4eb64fbadd0123456789"));
        var prune = Ask<ImagesPruned>(actor, new PruneImages(FilterSet.None));
        Assert.Null(prune.Report.ImagesDeleted);
        AwaitAssert(() => Assert.False(Directory.Exists(Path.GetDirectoryName(LowerDirs(store, resolved)[0]))), Long);
        Assert.Empty(store.Content.List());
        Assert.Contains(("untag", id, id), _events.Names());
        Assert.Contains(("delete", id, id), _events.Names());
    }

    [Fact]
    public void An_image_resolved_for_a_container_is_held_from_that_answer_on_until_the_container_releases_it()
    {
        var (actor, _) = Start();
        var id = ImportBusybox(actor, "busybox");
        Ask<ImageResolved>(actor, new ResolveImage("busybox", ForContainer: "c1"));

        // A prune or rmi between resolve and the container's first report must not take the image.
        var conflict = actor.Ask<IImageReply>(new RemoveImage("busybox", false, false), Long).GetAwaiter().GetResult();
        Assert.Equal(ImageErrorKind.Conflict, Assert.IsType<ImageError>(conflict).Kind);
        Assert.Null(Ask<ImagesPruned>(actor, new PruneImages(FilterSet.FromJson("{\"dangling\":[\"false\"]}"))).Report.ImagesDeleted);

        actor.Tell(new ImageReleased("c1"));
        Assert.Contains(ImageDeleteResponseItem.DeletedId(id), Ask<ImageRemoved>(actor, new RemoveImage("busybox", false, false)).Items);
    }

    [Fact]
    public void Where_containers_report_usage_rmi_waits_for_their_report_and_then_answers_from_it()
    {
        var store = ImageStore.Open(_scratch.Dir("store-" + Guid.NewGuid().ToString("N")[..6]));
        var actor = Sys.ActorOf(ImagesActor.Props(store, _events, awaitContainers: true));
        var id = ImportBusybox(actor, "busybox");
        var resolved = Ask<ImageResolved>(actor, new ResolveImage("busybox"));

        var removal = actor.Ask<IImageReply>(new RemoveImage("busybox", false, false), Long);
        actor.Tell(new ImageInUse(new ContainerImageUse("c1", id, false, resolved.ChainIds)));
        actor.Tell(ImageUsageComplete.Instance);

        // Answered before the report, the rmi would have deleted an image a container uses.
        Assert.Equal(ImageErrorKind.Conflict, Assert.IsType<ImageError>(removal.GetAwaiter().GetResult()).Kind);
    }

    [Fact]
    public void Prune_deletes_dangling_images_and_reports_the_space()
    {
        var (actor, store) = Start();
        var first = ImportBusybox(actor, "app");
        ImportBusybox(actor, "app", "ENV V=2");        // moves app:latest; the first image is now dangling
        var dangling = Ask<ImageList>(actor, new ListImages(false, FilterSet.FromJson("{\"dangling\":{\"true\":true}}"))).Images;
        Assert.Equal([first], dangling.Select(i => i.Id));
        Assert.Equal(["<none>:<none>"], dangling[0].RepoTags);

        var report = Ask<ImagesPruned>(actor, new PruneImages(FilterSet.None)).Report;
        Assert.Equal([ImageDeleteResponseItem.DeletedId(first)], report.ImagesDeleted);
        Assert.Equal(0, report.SpaceReclaimed);   // both images share their only layer
        Assert.Single(Ask<ImageList>(actor, new ListImages(true, FilterSet.None)).Images);
        var df = Ask<ImageDiskUsageReport>(actor, GetImageDiskUsage.Instance).Usage;
        Assert.Equal(df.Images[0].Size, df.LayersSize);
        Assert.Equal(0, df.Images[0].Containers);
    }

    [Fact]
    public void Save_and_load_move_an_image_between_daemons_and_the_index_survives_a_restart()
    {
        var (source, _) = Start("source");
        var id = ImportBusybox(source, "127.0.0.1:5000/bb:1");
        var archive = new MemoryStream();
        Ask<ImagesSaved>(source, new SaveImages(["127.0.0.1:5000/bb:1"], archive));

        var (target, _) = Start("target");
        var progress = new List<ImageProgress>();
        var lines = Ask<ImagesLoaded>(target, new LoadImages(new MemoryStream(archive.ToArray()), new Collect(progress))).Lines;
        Assert.Equal(["Loaded image: 127.0.0.1:5000/bb:1"], lines);
        Assert.Contains(("load", id, id), _events.Names());
        Assert.Contains(progress, p => p.Current == p.Total && p.Total > 0);

        Sys.Stop(target);
        var restarted = Sys.ActorOf(ImagesActor.Props(ImageStore.Open(_scratch.PathOf("target")), _events));
        var image = Assert.Single(Ask<ImageList>(restarted, new ListImages(false, FilterSet.None)).Images);
        Assert.Equal(id, image.Id);
        Assert.Equal(["127.0.0.1:5000/bb:1"], image.RepoTags);
    }

    [Fact]
    public void A_load_that_fails_half_way_leaves_the_store_as_it_was()
    {
        var (actor, store) = Start();
        var good = new LayerBuilder().File("a", "first layer").Build();
        var bad = new LayerBuilder().File("b", "second layer").Build();
        var config = Berth.Actors.Images.Model.OciJson.Serialize(new Berth.Actors.Images.Model.ImageConfigFile
        {
            Architecture = "amd64", Os = "linux", Created = "2026-11-26T00:00:00Z",
            RootFs = new Berth.Actors.Images.Model.RootFs { DiffIds = [Digest(good), Digest("not the second layer"u8.ToArray())] },
        });
        var archive = new MemoryStream();
        var tar = new TarWriter(archive);
        void Add(string name, byte[] data) => tar.Write(new TarEntry { Name = name, Size = data.Length }, new MemoryStream(data));
        Add("config.json", config);
        Add("l1/layer.tar", good);
        Add("l2/layer.tar", bad);
        Add("manifest.json", """[{"Config":"config.json","RepoTags":["broken:1"],"Layers":["l1/layer.tar","l2/layer.tar"]}]"""u8.ToArray());
        tar.Finish();

        var reply = actor.Ask<IImageReply>(new LoadImages(new MemoryStream(archive.ToArray())), Long).GetAwaiter().GetResult();
        Assert.Contains("digest mismatch", Assert.IsType<ImageError>(reply).Message);
        AwaitAssert(() =>
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(store.Snapshots.Root));
            Assert.Empty(store.Content.List());
        }, Long);
        Assert.Empty(Ask<ImageList>(actor, new ListImages(true, FilterSet.None)).Images);
    }

    private static Berth.Actors.Images.Content.Digest Digest(byte[] data) => Berth.Actors.Images.Content.Digest.Of(data);

    [Fact]
    public void Save_records_the_tag_named_every_tag_of_a_bare_repository_and_none_for_an_id()
    {
        var (actor, _) = Start();
        var id = ImportBusybox(actor, "bb:1");
        Ask<ImageTagged>(actor, new TagImage("bb:1", "bb", "2"));
        string ManifestOf(string name)
        {
            var archive = new MemoryStream();
            Ask<ImagesSaved>(actor, new SaveImages([name], archive));
            var reader = new TarReader(new MemoryStream(archive.ToArray()));
            while (reader.Next() is { } e)
                if (e.Name == "manifest.json") return new StreamReader(reader.Data).ReadToEnd();
            throw new Xunit.Sdk.XunitException("no manifest.json");
        }
        Assert.Contains("\"RepoTags\":[\"bb:1\"]", ManifestOf("bb:1"));
        Assert.Contains("\"RepoTags\":[\"bb:1\",\"bb:2\"]", ManifestOf("bb"));
        Assert.Contains("\"RepoTags\":null", ManifestOf(id));          // as dockerd writes it for an ID
        Assert.Contains("\"RepoTags\":null", ManifestOf(id[7..19]));
        Assert.Contains(("save", id, "bb:1"), _events.Names());
    }

    [Fact]
    public void Commit_turns_a_containers_upper_dir_into_a_child_image()
    {
        var (actor, store) = Start();
        var baseId = ImportBusybox(actor, "busybox");
        var resolved = Ask<ImageResolved>(actor, new ResolveImage("busybox"));
        var layout = ContainerRootfs.Layout(_scratch.Dir("containers/c1"), LowerDirs(store, resolved));
        ContainerRootfs.Mount(layout);
        try
        {
            File.WriteAllText(Path.Combine(layout.MergedDir, "tmp/made-in-container"), "hi");
            File.Delete(Path.Combine(layout.MergedDir, "bin/sh"));
        }
        finally { ContainerRootfs.Unmount(layout); }

        var config = new ContainerConfig { Cmd = ["-c", "sleep 3600"], Image = "busybox" };
        var id = Ask<ImageCommitted>(actor, new CommitContainer("0123456789abcdef", "busybox", layout.UpperDir, config,
            "docker.io/library/committed", "1", "msg", "me", ["ENV X=1"])).Id;

        var inspect = Ask<ImageInspected>(actor, new InspectImage("committed:1")).Image;
        Assert.Equal((id, baseId, "msg", "me", "0123456789abcdef"), (inspect.Id, inspect.Parent, inspect.Comment, inspect.Author, inspect.Container));
        Assert.Equal(["X=1"], inspect.Config!.Env);
        Assert.Equal(2, inspect.RootFS.Layers.Count);
        var history = Ask<ImageHistory>(actor, new GetImageHistory("committed:1")).Items;
        Assert.Equal(["-c sleep 3600", ""], history.Select(h => h.CreatedBy));
        Assert.Equal([id, baseId], history.Select(h => h.Id));

        var child = Ask<ImageResolved>(actor, new ResolveImage(id));
        var view = ContainerRootfs.Layout(_scratch.Dir("containers/c2"), LowerDirs(store, child));
        ContainerRootfs.Mount(view);
        try
        {
            Assert.Equal("hi", File.ReadAllText(Path.Combine(view.MergedDir, "tmp/made-in-container")));
            Assert.False(File.Exists(Path.Combine(view.MergedDir, "bin/sh")));
            Assert.True(File.Exists(Path.Combine(view.MergedDir, "bin/busybox")));
        }
        finally { ContainerRootfs.Unmount(view); }

        var conflict = actor.Ask<IImageReply>(new RemoveImage(baseId, true, false), Long).GetAwaiter().GetResult();
        Assert.Contains("image has dependent child images", Assert.IsType<ImageError>(conflict).Message);
    }

    private sealed class RecordingSink : IImageEventSink
    {
        private readonly List<(string Action, string Id, IReadOnlyDictionary<string, string> Attributes)> _events = [];

        public void Publish(string action, string id, IReadOnlyDictionary<string, string> attributes)
        {
            lock (_events) _events.Add((action, id, attributes));
        }

        public List<(string, string, string)> Names()
        {
            lock (_events) return [.. _events.Select(e => (e.Action, e.Id, e.Attributes["name"]))];
        }
    }


    private sealed class Collect(List<ImageProgress> sink) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value) { lock (sink) sink.Add(value); }
    }
}
