using System.Globalization;
using System.Text.Json;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>The long-lived shim process: subreaper, container lifecycle, control and attach sockets.</summary>
internal static class MonitorMain
{
    private static bool _readySent;

    public static async Task<int> Run(ShimArguments args)
    {
        try
        {
            return await Serve(args);
        }
        catch (Exception e) when (!_readySent)
        {
            // Whoever launched us learns why, not just that we died.
            Console.Error.WriteLine($"berth-shim: {e}");
            Ready(new ShimReady(false, Processes.Self, 0, null, e.Message));
            return 1;
        }
    }

    private static async Task<int> Serve(ShimArguments args)
    {
        var paths = args.Paths;
        Directory.CreateDirectory(paths.StateDir);
        if (await AnotherShimServes(paths))
        {
            Ready(new ShimReady(false, Processes.Self, 0, null, $"another berth-shim is serving {paths.ControlSocket}"));
            return 1;
        }
        File.WriteAllText(paths.ShimPidFile, Processes.Self.ToString(CultureInfo.InvariantCulture));
        // A new run of the container: the previous run's exit must not be mistaken for this one's.
        if (File.Exists(args.ExitFilePath)) File.Delete(args.ExitFilePath);
        Processes.BecomeSubreaper();
        var monitor = new ContainerMonitor(args, new Reaper());

        var createError = await monitor.Create();
        if (createError != null)
        {
            Ready(new ShimReady(false, Processes.Self, 0, ShimStatus.Stopped, createError, RuntimeErrors.ExitCodeFor(createError)));
            return 1;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var control = new SocketServer(paths.ControlSocket);
        using var attach = new SocketServer(paths.AttachSocket);
        control.Serve(new ControlHandler(monitor, () => { control.Dispose(); attach.Dispose(); }, () => done.TrySetResult()).Serve);
        attach.Serve(new AttachHandler(monitor).Serve);

        if (!args.WaitForStart && await monitor.Start() is { } startError)
        {
            await monitor.Shutdown(force: true);
            Ready(new ShimReady(false, Processes.Self, 0, ShimStatus.Stopped, startError, RuntimeErrors.ExitCodeFor(startError)));
            return 1;
        }
        var state = monitor.State();
        Ready(new ShimReady(true, state.ShimPid, state.Pid, state.Status, null));

        await done.Task;
        return 0;
    }

    private static async Task<bool> AnotherShimServes(ShimPaths paths)
    {
        if (!File.Exists(paths.ControlSocket)) return false;
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(paths.ControlSocket));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false; // a dead shim's leftover
        }
    }

    /// <summary>One JSON line on stdout (the launcher's pipe), then stdout points to /dev/null so the reader sees EOF.</summary>
    private static void Ready(ShimReady ready)
    {
        _readySent = true;
        var line = JsonSerializer.SerializeToUtf8Bytes(ready, ShimJson.Default.ShimReady);
        try
        {
            Fd.WriteAll(1, line, "stdout");
            Fd.WriteAll(1, "\n"u8, "stdout");
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"berth-shim: nobody read the ready line: {e.Message}");
        }
        var devnull = Fd.OpenDevNull();
        Fd.Redirect(devnull, 1, "stdout");
        Fd.Close(ref devnull);
    }
}
