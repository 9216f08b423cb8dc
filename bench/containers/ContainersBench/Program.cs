using System.Diagnostics;
using Berth.TestSupport;

// The three container measures of issue 5, each against berthd and a private dockerd (Debian docker.io 20.10 with its
// own containerd and runc) in the same run, both driven by the same docker CLI:
//   1. `docker run --rm --network none busybox true`, sequential, median of N;
//   2. 50 concurrent `docker run -d busybox sleep` then `docker rm -f` of all: containers per second;
//   3. resident memory: the daemon idle, then daemon plus every helper process (shims, containerd) with 50 running;
// and issue 11's two targets: berthd idle below dockerd + containerd, and /_ping answered within 0.5 s of starting
// berthd (on a quiet 2-core VM: the load average is printed beside it).
var runs = args.Length > 0 ? int.Parse(args[0]) : 10;
var concurrent = args.Length > 1 ? int.Parse(args[1]) : 50;
using var work = new TempDir("berth-bench-containers");
// First, while nothing else of this bench runs: berthd from exec to its first /_ping answer, on a fresh data root.
var pingAfterStart = new List<double>();
for (var i = 0; i < 3; i++) pingAfterStart.Add(await Startup.FirstPing());
var loadAtStart = Startup.LoadAverage();
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

Console.WriteLine();
var idleTarget = b.IdleRss < d.IdleRss ? "met" : "MISSED";
Console.WriteLine($"target: berthd idle RSS {b.IdleRss / 1e6:F1} MB below dockerd + containerd {d.IdleRss / 1e6:F1} MB: {idleTarget}");
var ping = Median(pingAfterStart);
Console.WriteLine($"target: /_ping within 0.5 s of starting berthd: median {ping:F3} s of [{string.Join(", ", pingAfterStart.Select(p => p.ToString("F3")))}]: " +
    $"{(ping <= 0.5 ? "met" : "MISSED")} (load average {loadAtStart}; the target is for a quiet 2-core VM)");

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

/// <summary>How soon a fresh berthd answers the Engine API.</summary>
static class Startup
{
    /// <summary>Seconds from starting out/berthd on an empty data root to its first 200 on /_ping (polled every 10 ms).</summary>
    public static async Task<double> FirstPing()
    {
        using var dir = new TempDir("berth-bench-start");
        var socket = dir.Combine("berth.sock");
        var psi = new ProcessStartInfo(Repo.Binary("berthd")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-H", "unix://" + socket, "--data-root", dir.Combine("data"), "--exec-root", dir.Combine("exec") }) psi.ArgumentList.Add(a);
        using var http = UnixHttp.Client(socket);
        http.Timeout = TimeSpan.FromSeconds(5);
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"berthd exited with {process.ExitCode}");
                if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("berthd did not answer /_ping within 2 minutes");
                try
                {
                    if (File.Exists(socket) && (await http.GetAsync("/_ping")).IsSuccessStatusCode) return sw.Elapsed.TotalSeconds;
                }
                catch (HttpRequestException) { }
                await Task.Delay(10);
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>/proc/loadavg's 1, 5 and 15 minute averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
