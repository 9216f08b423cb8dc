using Berth.TestSupport;

namespace Berth.Host.Tests.Persistence;

/// <summary>
/// berthd on a full data root (a small tmpfs): requests answer at once with docker's "no space left on device",
/// nothing is left broken, everything works again as soon as space is freed, and a create that failed never
/// comes back after a restart.
/// </summary>
public sealed class FullDiskSpecs : IAsyncLifetime
{
    // A hang guard, not a timing assertion: today these requests wait for the 2-minute ask timeout.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new("berth-test-full");
    private Berthd _daemon = null!;
    private bool _mounted;

    private string DataRoot => _dir.Combine("data");
    private string Filler => Path.Combine(DataRoot, "filler");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataRoot);
        var mount = await Run.Program("/bin/mount", ["-t", "tmpfs", "-o", "size=64m,mode=0711", "tmpfs", DataRoot]);
        Assert.True(mount.ExitCode == 0, mount.ToString());
        _mounted = true;
        _daemon = await Berthd.Start(_dir);
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Filler)) File.Delete(Filler);
            var ids = (await Docker("ps", "-aq")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0) await Docker(["rm", "-f", .. ids]);
        }
        finally
        {
            await _daemon.DisposeAsync();
            if (_mounted) await Run.Program("/bin/umount", ["-l", DataRoot]);
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task Create_run_start_ps_and_inspect_answer_at_once_on_a_full_disk_and_work_again_once_space_is_freed()
    {
        var before = (await Ok("create", "--name", "made-before", "busybox", "echo", "hello")).Trim();
        FillTheDisk();

        var create = await Docker("create", "--name", "failed-create", "busybox", "true");
        Assert.NotEqual(0, create.ExitCode);
        Assert.Contains("no space left on device", create.Stderr);
        var run = await Docker("run", "--name", "failed-run", "busybox", "true");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("no space left on device", run.Stderr);
        var start = await Docker("start", "made-before");
        Assert.NotEqual(0, start.ExitCode);
        Assert.Contains("no space left on device", start.Stderr);
        Assert.Equal(before, (await Ok("ps", "-aq", "--no-trunc")).Trim());
        Assert.Equal("/made-before", (await Ok("inspect", "-f", "{{.Name}}", before)).Trim());

        File.Delete(Filler);

        var after = (await Ok("create", "--name", "made-after", "busybox", "true")).Trim();
        Assert.Equal("hi", (await Ok("run", "--rm", "busybox", "echo", "hi")).Trim());
        Assert.Equal("hello", (await Ok("start", "-a", "made-before")).Trim());
        Assert.Equal("0", (await Ok("inspect", "-f", "{{.State.ExitCode}}", before)).Trim());
        Assert.Equal([after, before], (await Ok("ps", "-aq", "--no-trunc")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_create_that_failed_on_a_full_disk_does_not_exist_after_a_restart_and_leaves_no_directory()
    {
        var before = (await Ok("create", "--name", "made-before", "busybox", "true")).Trim();
        FillTheDisk();
        var create = await Docker("create", "--name", "failed-create", "busybox", "true");
        Assert.NotEqual(0, create.ExitCode);
        File.Delete(Filler);

        await _daemon.DisposeAsync();
        _daemon = await Berthd.Start(_dir);

        Assert.Equal(before, (await Ok("ps", "-aq", "--no-trunc")).Trim());
        var missing = await Docker("inspect", "failed-create");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("No such object: failed-create", missing.Stderr);
        Assert.Equal([before], Directory.GetDirectories(Path.Combine(DataRoot, "containers")).Select(Path.GetFileName));
        // The name is free again.
        await Ok("create", "--name", "failed-create", "busybox", "true");
    }

    /// <summary>Writes a file (unbuffered) until the tmpfs refuses another page.</summary>
    private void FillTheDisk()
    {
        using var f = new FileStream(Filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 1 << 20, 4096 })
        {
            var chunk = new byte[size];
            try { while (true) f.Write(chunk); }
            catch (IOException e) when (e.Message.Contains("No space left on device")) { }
        }
    }

    private Task<Run.Result> Docker(params string[] args) => Run.Docker(_daemon.Host, HangGuard, args);

    private async Task<string> Ok(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\n{_daemon.Log}");
        return r.Stdout;
    }
}
