using System.Text;
using System.Text.Json;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Client;

/// <summary>The shim could not create or start the container; carries the runtime's message and docker's exit code.</summary>
public sealed class ShimLaunchException(string message, int exitCode) : Exception(message)
{
    /// <summary>127 for a missing executable, 126 for permission denied, else 125 (docker's mapping).</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>Starts berth-shim (which detaches itself into a new session) and waits for its ready line.</summary>
public static class ShimLauncher
{
    /// <summary>
    /// Spawns <paramref name="shimBinary"/> with <paramref name="args"/> via posix_spawn, reads its one
    /// ready line and reaps the short-lived launcher. The monitor it leaves behind is nobody's child
    /// of ours, so our own death does not touch it.
    /// </summary>
    public static async Task<ShimReady> LaunchAsync(string shimBinary, ShimArguments args, CancellationToken ct = default)
    {
        var argv = new List<string> { shimBinary };
        argv.AddRange(args.ToArgv());
        return await Task.Run(() => LaunchBlocking(shimBinary, argv), ct);
    }

    private static ShimReady LaunchBlocking(string shimBinary, List<string> argv)
    {
        var devnull = Fd.OpenDevNull();
        var (readEnd, writeEnd) = Fd.Pipe("berth-shim output");
        int pid;
        try
        {
            pid = Spawner.Spawn(shimBinary, argv, new ChildStdio(devnull, writeEnd, writeEnd));
        }
        finally
        {
            Fd.Close(ref writeEnd);
            Fd.Close(ref devnull);
        }
        var output = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = Fd.Read(readEnd, buffer, "berth-shim output")) > 0) output.AddRange(buffer.AsSpan(0, n));
        }
        finally
        {
            Fd.Close(ref readEnd);
        }
        var exit = Processes.Wait(pid);
        var text = Encoding.UTF8.GetString(output.ToArray()).Trim();
        var last = text.Split('\n')[^1];
        ShimReady? ready = null;
        try
        {
            if (last.StartsWith('{')) ready = JsonSerializer.Deserialize(last, ShimJson.Default.ShimReady);
        }
        catch (JsonException)
        {
        }
        if (ready is { Ok: true }) return ready;
        if (ready is { Error: { } error }) throw new ShimLaunchException(error, ready.ExitCode ?? RuntimeErrors.ExitCodeFor(error));
        throw new ShimLaunchException($"berth-shim failed (exit code {exit.ExitCode}): {text}", 125);
    }
}
