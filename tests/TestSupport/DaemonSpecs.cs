using Xunit;

namespace Berth.TestSupport;

/// <summary>Base of specs that talk to one real berthd: a private daemon, a scratch dir and a busybox rootfs tar for `import`.</summary>
public abstract class DaemonSpecs : IAsyncLifetime
{
    protected TempDir Dir { get; } = new();
    protected Berthd Daemon { get; private set; } = null!;
    /// <summary>A busybox rootfs tar, ready for `docker import`.</summary>
    protected string Rootfs { get; private set; } = null!;
    /// <summary>Extra berthd flags of this spec class (another -H, --api-cors-header...).</summary>
    protected virtual string[] DaemonArguments => [];

    public virtual async ValueTask InitializeAsync()
    {
        Daemon = await Berthd.Start(null, DaemonArguments);
        Rootfs = await Busybox.RootfsTar(Dir);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
