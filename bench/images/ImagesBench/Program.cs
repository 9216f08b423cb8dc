using System.Diagnostics;
using Berth.Actors.Images.Archives;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.TestSupport;

// Builds a ~100 MB image of 4 layers (incompressible files), saves it as a docker-archive, then times
// `load` and `save` in berth's store and in a private dockerd on the same machine, same archive.
var runs = args.Length > 0 ? int.Parse(args[0]) : 3;
var mbPerLayer = args.Length > 1 ? int.Parse(args[1]) : 25;
var work = Path.Combine("/tmp", "berth-bench-images-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
try
{
    var archive = Path.Combine(work, "image.tar");
    BuildArchive(Path.Combine(work, "seed"), archive, mbPerLayer);
    Console.WriteLine($"image: 4 layers x {mbPerLayer} MB, archive {new FileInfo(archive).Length / 1e6:F1} MB, {runs} runs each, median reported");

    using var dockerd = PrivateDockerd.Start();
    var berthLoad = new List<double>();
    var berthSave = new List<double>();
    var dockerLoad = new List<double>();
    var dockerSave = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var root = Path.Combine(work, $"berth-{i}");
        var store = ImageStore.Open(root);
        var staged = Time(berthLoad, () => { using var input = File.OpenRead(archive); return new ArchiveLoader(store).Load(input, null); });
        var index = ImageIndex.Empty;
        foreach (var s in staged) index = index.AddImage(s.Image, s.Layers);
        var items = staged.Select(s => new SaveItem(s.Image, [.. s.Tags.Select(ImageReference.Parse)])).ToList();
        Time(berthSave, () => { using var output = File.Create(Path.Combine(work, "berth-out.tar")); new ArchiveWriter(store, index).Write(items, output, ImageArchiveFormat.DockerArchive); return 0; });
        Directory.Delete(root, recursive: true);

        Time(dockerLoad, () => dockerd.Docker("load", "-q", "-i", archive));
        Time(dockerSave, () => dockerd.Docker("save", "-o", Path.Combine(work, "docker-out.tar"), "bench:1"));
        dockerd.Docker("rmi", "bench:1");
    }
    Report("load", Median(berthLoad), Median(dockerLoad));
    Report("save", Median(berthSave), Median(dockerSave));
}
finally
{
    Directory.Delete(work, recursive: true);
}

static T Time<T>(List<double> into, Func<T> action)
{
    var sw = Stopwatch.StartNew();
    var result = action();
    into.Add(sw.Elapsed.TotalSeconds);
    return result;
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

static void Report(string what, double berth, double docker) =>
    Console.WriteLine($"{what,-5} berth {berth,7:F3} s   dockerd {docker,7:F3} s   ratio berth/dockerd {berth / docker:F2}");

static void BuildArchive(string seedRoot, string archive, int mbPerLayer)
{
    var store = ImageStore.Open(seedRoot);
    var random = new Random(42);
    var layers = new List<LayerRecord>();
    var diffIds = new List<Digest>();
    for (var l = 0; l < 4; l++)
    {
        var tar = new MemoryStream();
        var writer = new TarWriter(tar);
        writer.Write(new TarEntry { Name = $"layer{l}", Type = TarEntryType.Directory, Mode = 0b111_101_101 });
        for (var f = 0; f < mbPerLayer; f++)
        {
            var data = new byte[1 << 20];
            random.NextBytes(data);
            writer.Write(new TarEntry { Name = $"layer{l}/file{f}", Size = data.Length, Mode = 0b110_100_100 }, new MemoryStream(data));
        }
        writer.Finish();
        tar.Position = 0;
        var (record, _) = store.Layers.Ingest(tar, diffIds.ToList(), null, null, null, tar.Length, null);
        layers.Add(record);
        diffIds.Add(record.DiffId);
    }
    var config = new ImageConfigFile
    {
        Architecture = Platform.Host.Architecture, Os = "linux", Created = "2026-11-26T00:00:00Z",
        RootFs = new RootFs { DiffIds = diffIds }, Config = new() { Cmd = ["true"] },
    };
    var staged = store.Stage(OciJson.Serialize(config), layers, ["docker.io/library/bench:1"]);
    var index = ImageIndex.Empty.AddImage(staged.Image, staged.Layers);
    using var output = File.Create(archive);
    new ArchiveWriter(store, index).Write([new SaveItem(staged.Image, [ImageReference.Parse("bench:1")])], output, ImageArchiveFormat.DockerArchive);
}
