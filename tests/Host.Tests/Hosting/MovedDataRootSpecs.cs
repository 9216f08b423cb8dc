using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// A data root is self-contained: moved to another directory (and started with --data-root there), berthd recovers every
/// container and runs it again, because the journal holds no host path of berth's own (snapshots are found by chain id,
/// runtimes by name).
/// </summary>
public sealed class MovedDataRootSpecs : IAsyncLifetime
{
    private readonly TempDir _first = new("berth-test-moved-a");
    private readonly TempDir _second = new("berth-test-moved-b");
    private Berthd? _daemon;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_daemon != null)
        {
            await Run.Docker(_daemon.Host, "rm", "-f", "moved-echo", "moved-sleeper");
            await _daemon.DisposeAsync();
        }
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task Containers_run_again_after_their_data_root_is_moved_to_another_directory()
    {
        _daemon = await Berthd.Start(_first);
        await Ok("import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(_first), "busybox");
        Assert.Equal("before the move", await Ok("run", "--name", "moved-echo", "busybox", "echo", "before the move"));
        await Ok("create", "--name", "moved-sleeper", "busybox", "sleep", "1000");
        await _daemon.DisposeAsync();
        _daemon = null;

        Directory.Move(_first.Combine("data"), _second.Combine("data"));
        _daemon = await Berthd.Start(_second);

        Assert.Equal(["moved-echo", "moved-sleeper"], (await Ok("ps", "-a", "--format", "{{.Names}}")).Split('\n').Order());
        await Ok("start", "-a", "moved-echo");
        Assert.Equal("before the move\nbefore the move", await Ok("logs", "moved-echo"));
        await Ok("start", "moved-sleeper");
        Assert.Equal("true", await Ok("inspect", "-f", "{{.State.Running}}", "moved-sleeper"));
        Assert.Equal("1", await Ok("exec", "moved-sleeper", "sh", "-c", "ls /bin/sleep | wc -l"));
    }

    private async Task<string> Ok(params string[] args)
    {
        var r = await Run.Docker(_daemon!.Host, args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\nberthd:\n{_daemon.Log}");
        return r.Stdout.Trim();
    }
}
