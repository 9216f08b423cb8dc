using System.Formats.Tar;
using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// Local users read nothing of a container's: its environment (config.json, the journal and its WAL, exec specs), its
/// log and its files (through the merged or the upper dir) are out of their reach, as under dockerd, and they cannot
/// write into it. Everything is tried for real as nobody, from test dirs that nobody can reach.
/// </summary>
public sealed class PrivateDataSpecs : ContainerSpecs
{
    private readonly string _secret = "s3cret-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_local_user_reads_no_secret_of_a_container_and_writes_nothing_into_it()
    {
        var parent = Path.GetDirectoryName(Daemon.DataRoot)!;
        AccessChecks.OpenForEveryone(parent);
        Assert.Contains("data", (await AccessChecks.AsNobody("ls", parent)).Stdout);   // or the refusals below prove nothing

        var name = "secrets-" + Guid.NewGuid().ToString("N")[..8];
        var id = (await Ok("run", "-d", "--name", name, "-e", "DB_PASSWORD=" + _secret, "busybox", "sh", "-c",
            "chmod 1777 /tmp && echo \"$DB_PASSWORD\" > /secret && echo \"the password is $DB_PASSWORD\" && exec sleep 1000")).Trim();
        await Eventually(async () => (await Docker("logs", name)).Stdout.Contains(_secret), "the secret reaches the log");
        await Ok("exec", "-e", "DB_PASSWORD=" + _secret, name, "true");

        var dir = Path.Combine(Daemon.DataRoot, "containers", id);
        var stateDir = Path.Combine(Daemon.ExecRoot, "containers", id[..12]);
        var secretFiles = new Dictionary<string, string>
        {
            ["config.json"] = Path.Combine(dir, "config.json"),
            ["the log"] = Path.Combine(dir, id + "-json.log"),
            ["the rootfs file through merged"] = Path.Combine(dir, "rootfs", "merged", "secret"),
            ["the rootfs file through upper"] = Path.Combine(dir, "rootfs", "upper", "secret"),
            ["the exec spec"] = Assert.Single(Directory.GetFiles(Path.Combine(stateDir, "exec-specs"))),
        };
        foreach (var (what, path) in secretFiles) Assert.True(File.ReadAllText(path).Contains(_secret), $"{what} ({path}) holds the secret");
        var database = Path.Combine(Daemon.DataRoot, "berth.db");
        var journal = new[] { database, database + "-wal" };
        Assert.Contains(_secret, string.Concat(journal.Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f)))));
        secretFiles["berth.db"] = journal[0];
        secretFiles["berth.db-wal"] = journal[1];

        var leaks = new List<string>();
        foreach (var (what, path) in secretFiles)
        {
            var read = await AccessChecks.AsNobody("cat", path);
            if (read.ExitCode == 0 || read.Stdout.Contains(_secret) || !read.Stderr.Contains("Permission denied"))
                leaks.Add($"nobody read {what} ({path}): {read}");
        }
        var planted = Path.Combine(dir, "rootfs", "merged", "tmp", "planted");
        var write = await AccessChecks.AsNobody("touch", planted);
        if (write.ExitCode == 0 || !write.Stderr.Contains("Permission denied")) leaks.Add($"nobody created {planted}: {write}");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.Equal("absent\n", await Ok("exec", name, "sh", "-c", "test -e /tmp/planted || echo absent"));
    }

    [Fact]
    public async Task Nothing_under_the_data_root_or_the_exec_root_is_open_to_other_users_beyond_what_docker_opens()
    {
        // Everything berthd, the shim and the runtime write: a log, an exec, health checks, docker cp, export, save, load.
        var name = "sweep-" + Guid.NewGuid().ToString("N")[..8];
        var id = (await Ok("run", "-d", "--name", name, "-e", "DB_PASSWORD=" + _secret, "--health-cmd", "true", "--health-interval", "1s",
            "busybox", "sh", "-c", "echo started; exec sleep 1000")).Trim();
        await Eventually(async () => (await Ok("inspect", "-f", "{{.State.Health.Status}}", name)).Trim() == "healthy", "a health check ran");
        await Ok("exec", name, "true");
        await Ok("cp", Rootfs, name + ":/tmp/");
        await Ok("export", "-o", Dir.Combine("export.tar"), name);
        await Ok("save", "-o", Dir.Combine("save.tar"), "busybox");
        await Ok("load", "-i", Dir.Combine("save.tar"));

        var dir = Path.Combine(Daemon.DataRoot, "containers", id);
        var database = Path.Combine(Daemon.DataRoot, "berth.db");
        var expected = new Dictionary<string, string>
        {
            [Daemon.DataRoot] = "710", [Daemon.ExecRoot] = "700", [Path.GetDirectoryName(dir)!] = "710", [dir] = "710",
            [Path.Combine(dir, "config.json")] = "600", [Path.Combine(dir, "health.json")] = "600", [Path.Combine(dir, id + "-json.log")] = "640",
            [Path.Combine(dir, "rootfs")] = "700", [database] = "600", [database + "-wal"] = "600", [database + "-shm"] = "600",
            [Path.Combine(Daemon.ExecRoot, "runtime")] = "700", [Path.Combine(Daemon.ExecRoot, "runtime", id, "state.json")] = "600",
        };
        Assert.Equal(expected, expected.ToDictionary(e => e.Key, e => AccessChecks.Mode(e.Key)));

        var open = AccessChecks.OpenToOthers(Daemon.DataRoot).Concat(AccessChecks.OpenToOthers(Daemon.ExecRoot)).ToList();
        Assert.True(open.Count == 0, "open to other users:\n" + string.Join("\n", open));
    }

    [Fact]
    public async Task Berthd_and_the_shims_create_their_files_for_root_alone()
    {
        var id = (await Ok("run", "-d", "busybox", "sleep", "1000")).Trim();
        var shimPid = int.Parse(File.ReadAllText(Path.Combine(Daemon.ExecRoot, "containers", id[..12], "shim.pid")));
        Assert.Equal("0077", AccessChecks.Umask(Daemon.Pid));
        Assert.Equal("0077", AccessChecks.Umask(shimPid));
    }

    [Theory]
    [InlineData("berth-runtime")]
    [InlineData("runc")]
    public async Task A_container_its_execs_and_its_health_checks_keep_dockers_umask_under_every_runtime(string runtime)
    {
        var source = Dir.Combine("bind-" + runtime);
        Directory.CreateDirectory(source);
        var name = "umask-" + Guid.NewGuid().ToString("N")[..8];
        await Ok("run", "-d", "--name", name, "--runtime", runtime, "-v", source + ":/mnt/a/b", "--health-cmd", "umask > /tmp/health-umask",
            "--health-interval", "1s", "busybox", "sh", "-c", "umask > /tmp/init-umask; touch /tmp/f; mkdir /tmp/d; exec sleep 1000");
        await Eventually(async () => (await Docker("exec", name, "sh", "-c", "test -s /tmp/health-umask")).ExitCode == 0, "a health check ran");
        var seen = await Ok("exec", name, "sh", "-c", "cat /tmp/init-umask /tmp/health-umask; umask; stat -c '%a %n' / /etc /etc/hosts /etc/hostname /mnt /mnt/a /tmp/f /tmp/d");
        // What the same container sees under dockerd and runc: mount points made by the runtime included.
        Assert.Equal("0022\n0022\n0022\n755 /\n755 /etc\n644 /etc/hosts\n644 /etc/hostname\n755 /mnt\n755 /mnt/a\n644 /tmp/f\n755 /tmp/d\n", seen);
    }

    [Fact]
    public async Task Directories_that_a_layer_or_a_docker_cp_implies_are_0755_and_entries_keep_the_tars_modes()
    {
        var image = Dir.Combine("modes.tar");
        await using (var tar = File.Create(image))
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax))
        {
            await using (var busybox = File.OpenRead(Rootfs))
            await using (var reader = new TarReader(busybox))
                while (await reader.GetNextEntryAsync(copyData: true) is { } entry) await writer.WriteEntryAsync(new PaxTarEntry(entry));
            // No entries for /opt or /opt/app: the unpacker makes them.
            await writer.WriteEntryAsync(FileEntry("opt/app/data.txt", "data\n", (UnixFileMode)0x1A4));
            await writer.WriteEntryAsync(FileEntry("opt/app/run.sh", "#!/bin/sh\n", (UnixFileMode)0x1ED));
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "scratch/") { Mode = (UnixFileMode)0x3FF });
        }
        await Ok("import", "-c", "CMD [\"sh\"]", image, "modes:1");
        Assert.Equal("755 /opt\n755 /opt/app\n644 /opt/app/data.txt\n755 /opt/app/run.sh\n1777 /scratch\ndata\n",
            await Ok("run", "--rm", "-u", "65534", "modes:1", "sh", "-c", "stat -c '%a %n' /opt /opt/app /opt/app/data.txt /opt/app/run.sh /scratch; cat /opt/app/data.txt"));

        var name = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await Ok("run", "-d", "--name", name, "busybox", "sleep", "1000");
        var copy = Dir.Combine("cp.tar");
        await using (var tar = File.Create(copy))
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax))
            await writer.WriteEntryAsync(FileEntry("deep/er/file.txt", "copied\n", (UnixFileMode)0x1A4));
        var cp = await Run.Program("/bin/sh", ["-c", "exec docker cp - \"$NAME:/tmp\" < \"$TAR\""], new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = Daemon.Host, ["DOCKER_CONFIG"] = Dir.Path, ["NAME"] = name, ["TAR"] = copy, ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        });
        Assert.True(cp.ExitCode == 0, cp.ToString());
        Assert.Equal("755 /tmp/deep\n755 /tmp/deep/er\n644 /tmp/deep/er/file.txt\ncopied\n",
            await Ok("exec", "-u", "65534", name, "sh", "-c", "stat -c '%a %n' /tmp/deep /tmp/deep/er /tmp/deep/er/file.txt; cat /tmp/deep/er/file.txt"));

        // Exports and saves describe the container and the image, not berthd's private copies of them.
        await Ok("export", "-o", Dir.Combine("export.tar"), name);
        Assert.Equal(["755 tmp/deep/", "755 tmp/deep/er/", "644 tmp/deep/er/file.txt"],
            (await TarModes(Dir.Combine("export.tar"))).Where(e => e.Contains("tmp/deep")));
        await Ok("save", "-o", Dir.Combine("save.tar"), "modes:1");
        Assert.All(await TarModes(Dir.Combine("save.tar")), e => Assert.Matches("^(644 .*[^/]|755 .*/)$", e));
    }

    [Fact]
    public async Task A_missing_bind_source_is_made_0755_with_its_parents_like_dockers()
    {
        var source = Dir.Combine("made", "by", "berthd");
        await Ok("run", "--rm", "-v", source + ":/x", "busybox", "true");
        Assert.Equal(["755", "755", "755"], new[] { Dir.Combine("made"), Dir.Combine("made", "by"), source }.Select(AccessChecks.Mode));
    }

    private static PaxTarEntry FileEntry(string name, string content, UnixFileMode mode) =>
        new(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };

    private static async Task<List<string>> TarModes(string path)
    {
        var modes = new List<string>();
        await using var file = File.OpenRead(path);
        await using var reader = new TarReader(file);
        while (await reader.GetNextEntryAsync() is { } e)
            modes.Add($"{Convert.ToString((int)e.Mode, 8)} {e.Name.TrimStart('.', '/')}{(e.EntryType == TarEntryType.Directory && !e.Name.EndsWith('/') ? "/" : "")}");
        return modes;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("never happened: " + what);
    }
}
