using Berth.Actors.Images.Layers;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// The runtime side of containers, as <see cref="ContainerActor"/> uses it: launch a run (waiting for start), or adopt
/// the one a shim still serves. Everything else the actor does to a process goes through the <see cref="IContainerRun"/>.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>Mounts the rootfs, writes the bundle and launches a run that waits for <see cref="IContainerRun.StartAsync"/>.</summary>
    Task<IContainerRun> LaunchAsync(ContainerDefinition def, ContainerPaths paths, RootfsLayout layout);

    /// <summary>The run a shim still serves (after a daemon restart); an IOException or SocketException when there is none.</summary>
    Task<IContainerRun> AdoptAsync(ContainerPaths paths);

    /// <summary>Whether something may still serve this container (its shim's socket is there).</summary>
    bool MayHaveRun(ContainerPaths paths);

    /// <summary>
    /// Kills what is left of a run whose shim died without reporting an exit (killed with -9): the container's processes
    /// must not outlive the shim that held them, as containerd's cleanup of a lost shim does for dockerd.
    /// </summary>
    void KillOrphans(ContainerPaths paths);
}

/// <summary>One run of a container: its process and the monitor that holds it.</summary>
public interface IContainerRun : IAsyncDisposable
{
    /// <summary>The berth-shim behind the run, for execs, resizes and attach; null for a run that is not a shim's.</summary>
    ShimClient? Handle { get; }

    Task StartAsync();

    /// <summary>The host pid of the run's init.</summary>
    Task<int> PidAsync();

    /// <summary>Completes when the process has ended, with how.</summary>
    Task<ExitStatus> WaitAsync();

    Task KillAsync(int signal);

    /// <summary>Ends the run for good: its processes are killed and the monitor exits.</summary>
    Task ShutdownAsync();
}

/// <summary>Runs in berth-shims (over Berth.Shim.Client): what berthd uses.</summary>
public sealed class ShimContainerRuntime(ContainerSettings settings) : IContainerRuntime
{
    public async Task<IContainerRun> LaunchAsync(ContainerDefinition def, ContainerPaths paths, RootfsLayout layout)
    {
        ContainerRootfs.Mount(layout);
        OciBundle.Write(def, paths, layout.MergedDir);
        Directory.CreateDirectory(paths.StateDir);
        var runtime = settings.RuntimePathOf(def.Runtime) ?? throw new Bundle.ContainerSpecException($"unknown or invalid runtime name: {def.Runtime}");
        var args = new ShimArguments(def.Id, paths.Dir, paths.StateDir, runtime, paths.RuntimeRoot, paths.LogPath,
            Stdin: def.Spec.Stdio.OpenStdin, StdinOnce: def.Spec.Stdio.StdinOnce, WaitForStart: true);
        args = args with
        {
            LogRotation = Bundle.LogDriver.Rotation(def.Spec.Logging, settings.LogOpts),
            LogPath = Bundle.LogDriver.Name(def.Spec.Logging) == "none" ? null : args.LogPath,
        };
        await ShimLauncher.LaunchAsync(settings.ShimBinary, args);
        return new ShimRun(await ShimClient.ConnectAsync(paths.StateDir));
    }

    public async Task<IContainerRun> AdoptAsync(ContainerPaths paths) => new ShimRun(await ShimClient.ConnectAsync(paths.StateDir));

    public bool MayHaveRun(ContainerPaths paths) => File.Exists(new ShimPaths(paths.StateDir).ControlSocket);

    public void KillOrphans(ContainerPaths paths) => HostCgroups.Of(paths).KillAll(9);

    private sealed class ShimRun(ShimClient shim) : IContainerRun
    {
        public ShimClient? Handle => shim;

        public Task StartAsync() => shim.StartAsync();

        public async Task<int> PidAsync() => (await shim.StateAsync()).Pid;

        public Task<ExitStatus> WaitAsync() => shim.WaitAsync();

        public Task KillAsync(int signal) => shim.KillAsync(signal);

        public Task ShutdownAsync() => shim.ShutdownAsync(force: true);

        public ValueTask DisposeAsync() => shim.DisposeAsync();
    }
}
