using Berth.TestSupport;

namespace Berth.Host.Tests.Configuration;

/// <summary>
/// berthd refuses to start on a damaged or missing berth.db, saying which file, what is wrong and how to recover,
/// instead of starting and timing out every request, or starting empty beside containers it would forget.
/// </summary>
public sealed class StoreIntegritySpecs : IDisposable
{
    // A hang guard only: today's berthd starts on a broken store and never exits by itself.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    private readonly TempDir _dir = new("berth-test-store");
    private string DataRoot => _dir.Combine("data");
    private string Database => Path.Combine(DataRoot, "berth.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_truncated_database_stops_the_start_with_the_file_the_damage_and_the_way_out()
    {
        await Populate();
        using (var f = new FileStream(Database, FileMode.Open, FileAccess.ReadWrite)) f.SetLength(f.Length / 2 + 100);

        var r = await StartBerthd();

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(Database, r.Stderr);
        Assert.Contains("malformed", r.Stderr);
        Assert.Contains("backup", r.Stderr);
    }

    [Fact]
    public async Task A_database_with_garbage_pages_stops_the_start_with_the_file_the_damage_and_the_way_out()
    {
        await Populate();
        var pageSize = 4096;
        var garbage = new byte[pageSize * 3];
        new Random(7).NextBytes(garbage);
        using (var f = new FileStream(Database, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.True(f.Length >= pageSize * 5, $"the populated database has only {f.Length} bytes");
            f.Position = pageSize; // page 1 (the header and the schema) stays: the damage is in the tables
            f.Write(garbage);
        }

        var r = await StartBerthd();

        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(Database, line);
        Assert.Contains("malformed", line);
        Assert.Contains("backup", line);
    }

    [Fact]
    public async Task A_missing_database_beside_container_directories_stops_the_start_naming_them()
    {
        await Populate();
        DeleteDatabase();

        var r = await StartBerthd();

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(Database, r.Stderr);
        Assert.Contains($"{Path.Combine(DataRoot, "containers")} holds 6 container directories", r.Stderr);
        var first = Directory.GetDirectories(Path.Combine(DataRoot, "containers")).Select(Path.GetFileName).Order().First()!;
        Assert.Contains(first[..12], r.Stderr);
    }

    [Fact]
    public async Task Moving_the_container_directories_aside_as_the_refusal_says_lets_berthd_start_empty()
    {
        await Populate();
        DeleteDatabase();
        Directory.Move(Path.Combine(DataRoot, "containers"), Path.Combine(DataRoot, "containers.orphaned"));

        await using var d = await Berthd.Start(_dir);
        var ps = await Run.Docker(d.Host, "ps", "-aq");
        Assert.Equal(0, ps.ExitCode);
        Assert.Equal("", ps.Stdout.Trim());
    }

    /// <summary>A data root with an image and six created containers in its berth.db (and their directories); berthd stopped cleanly.</summary>
    private async Task Populate()
    {
        await using var d = await Berthd.Start(_dir);
        var import = await Run.Docker(d.Host, "import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_dir), "busybox");
        Assert.True(import.ExitCode == 0, import.ToString());
        for (var i = 0; i < 6; i++)
        {
            var create = await Run.Docker(d.Host, "create", "--label", "filler=" + new string('x', 2000), "busybox", "true");
            Assert.True(create.ExitCode == 0, create.ToString());
        }
        Assert.Equal(0, await d.Stop());
    }

    private void DeleteDatabase()
    {
        foreach (var f in new[] { Database, Database + "-wal", Database + "-shm" }) File.Delete(f);
    }

    private Task<Run.Result> StartBerthd() =>
        Run.Program(Repo.Binary("berthd"), ["-H", "unix://" + _dir.Combine("berth.sock"), "--data-root", DataRoot, "--exec-root", _dir.Combine("exec")],
            timeout: HangGuard);
}
