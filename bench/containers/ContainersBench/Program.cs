using System.Diagnostics;
using Berth.TestSupport;

// The three container measures of issue 5, each against berthd and a private dockerd (Debian docker.io 20.10 with its
// own containerd and runc) in the same run, both driven by the same docker CLI:
//   1. `docker run --rm --network none busybox true`, sequential, median of N;
//   2. 50 concurrent `docker run -d busybox sleep` then `docker rm -f` of all: containers per second;
//   3. resident memory: the daemon idle, then daemon plus every helper process (shims, containerd) with 50 running.
var runs = args.Length > 0 ? int.Parse(args[0]) : 10;
var concurrent = args.Length > 1 ? int.Parse(args[1]) : 50;
using var work = new TempDir("berth-bench-containers");
var tar = await Busybox.RootfsTar(work);

using var berthDir = new TempDir("berth-bench-d");
await using var berthd = await Berthd.Start(berthDir);
var berthRoot = Path.GetDirectoryName(berthd.Socket)!;
using var dockerd = PrivateDockerd.Start();
var sides = new[] { new Side("berthd", berthd.Host, berthRoot, berthd.Pid), new Side("dockerd", dockerd.Host, dockerd.Root, dockerd.Pid) };
Console.WriteLine($"{runs} sequential runs, {concurrent} concurrent containers; docker CLI /usr/local/bin/docker; {Environment.ProcessorCount} cores");

foreach (var s in sides)
{
    await s.Docker("import", tar, "busybox:latest");
    await s.Docker("run", "--rm", "--network", "none", "busybox", "true"); // warm-up: first run pays one-time costs
    await Task.Delay(TimeSpan.FromSeconds(5)); // idle means idle: both daemons get the same quiet time to settle
    s.IdleRss = Memory.RssOf(s.Root);
}

foreach (var s in sides)
    for (var i = 0; i < runs; i++)
        s.RunRm.Add(await Time(() => s.Docker("run", "--rm", "--network", "none", "busybox", "true")));

foreach (var s in sides)
{
    var names = Enumerable.Range(0, concurrent).Select(i => $"bench-{i}").ToList();
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(names.Select(n => s.Docker("run", "-d", "--network", "none", "--name", n, "busybox", "sleep", "600")));
    s.StartAll = sw.Elapsed.TotalSeconds;
    s.LoadedRss = Memory.RssOf(s.Root);
    sw.Restart();
    await Task.WhenAll(names.Select(n => s.Docker("rm", "-f", n)));
    s.RemoveAll = sw.Elapsed.TotalSeconds;
}

var (b, d) = (sides[0], sides[1]);
Console.WriteLine();
Console.WriteLine($"{"measure",-44} {"berthd",10} {"dockerd",10}  ratio");
Row("run --rm busybox true, median (s)", Median(b.RunRm), Median(d.RunRm), "berth/dockerd time");
Row($"{concurrent} x run -d, all started (s)", b.StartAll, d.StartAll, "berth/dockerd time");
Row($"{concurrent} x rm -f, all removed (s)", b.RemoveAll, d.RemoveAll, "berth/dockerd time");
Row($"{concurrent} run -d + rm -f, containers/s", concurrent / (b.StartAll + b.RemoveAll), concurrent / (d.StartAll + d.RemoveAll), "berth/dockerd throughput");
Row("idle daemon RSS (MB)", b.IdleRss / 1e6, d.IdleRss / 1e6, "berth/dockerd memory");
Row($"RSS with {concurrent} running, daemon+shims (MB)", b.LoadedRss / 1e6, d.LoadedRss / 1e6, "berth/dockerd memory");

static void Row(string what, double berth, double docker, string ratio) =>
    Console.WriteLine($"{what,-44} {berth,10:F3} {docker,10:F3}  {berth / docker:F2} {ratio}");

static async Task<double> Time(Func<Task> action)
{
    var sw = Stopwatch.StartNew();
    await action();
    return sw.Elapsed.TotalSeconds;
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

/// <summary>One daemon under test, and what was measured of it.</summary>
sealed class Side(string name, string host, string root, int pid)
{
    public string Name { get; } = name;
    public string Root { get; } = root;
    public int Pid { get; } = pid;
    public List<double> RunRm { get; } = [];
    public double StartAll { get; set; }
    public double RemoveAll { get; set; }
    public long IdleRss { get; set; }
    public long LoadedRss { get; set; }

    public async Task Docker(params string[] args)
    {
        var r = await Run.Docker(host, args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{Name}: docker {string.Join(' ', args)}: {r}");
    }
}

/// <summary>Resident memory of a daemon and its helpers: every process whose command line names the daemon's private root.</summary>
static class Memory
{
    public static long RssOf(string root)
    {
        long total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(root, StringComparison.Ordinal)) continue;
                var line = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (line != null) total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // the process ended meanwhile
        }
        return total;
    }
}
