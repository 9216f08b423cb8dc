using Xunit;

namespace Berth.TestSupport;

/// <summary>
/// Base of specs that run containers on one real berthd through the docker CLI: busybox is imported first, and
/// whatever a spec leaves behind (a failed one included) is removed with its shim before the daemon stops.
/// </summary>
public abstract class ContainerSpecs : DaemonSpecs
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Ok("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox");
    }

    public override async ValueTask DisposeAsync()
    {
        var ids = (await Docker("ps", "-aq")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0) await Docker(["rm", "-f", .. ids]);
        await base.DisposeAsync();
    }

    /// <summary>The docker CLI against this daemon.</summary>
    protected Task<Run.Result> Docker(params string[] args) => Run.Docker(Daemon.Host, args);

    /// <summary>The docker CLI, asserting success; returns its stdout.</summary>
    protected async Task<string> Ok(params string[] args)
    {
        var r = await Docker(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }
}
