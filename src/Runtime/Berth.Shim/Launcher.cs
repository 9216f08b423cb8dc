using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim;

/// <summary>
/// The short-lived first process: spawns the monitor in a new session (so it outlives whoever
/// started us, like a double fork), relays its ready line, and exits 0 (ready) or 1.
/// </summary>
internal static class Launcher
{
    public static int Run(ShimArguments args, string[] argv)
    {
        var paths = args.Paths;
        Directory.CreateDirectory(paths.StateDir);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the berth-shim executable");
        var log = Fd.Open(paths.ShimLog, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_APPEND, 0x180 /* 0600 */);
        var devnull = Fd.OpenDevNull();
        var (readEnd, writeEnd) = Fd.Pipe("ready line");
        var monitorArgv = new List<string> { self };
        monitorArgv.AddRange(argv);
        monitorArgv.Add(ShimArguments.MonitorFlag);
        Spawner.Spawn(self, monitorArgv, new ChildStdio(devnull, writeEnd, log), newSession: true);
        Fd.Close(ref writeEnd);
        Fd.Close(ref log);
        Fd.Close(ref devnull);

        var line = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = Fd.Read(readEnd, buffer, "ready line")) > 0) line.AddRange(buffer.AsSpan(0, n));
        var text = System.Text.Encoding.UTF8.GetString(line.ToArray()).Trim();
        if (text.Length == 0)
        {
            var error = $"{{\"ok\":false,\"shimPid\":0,\"pid\":0,\"error\":\"berth-shim exited before it was ready; see {paths.ShimLog}\"}}\n";
            Fd.WriteAll(1, System.Text.Encoding.UTF8.GetBytes(error), "stdout");
            return 1;
        }
        Fd.WriteAll(1, System.Text.Encoding.UTF8.GetBytes(text + "\n"), "stdout");
        return text.Contains("\"ok\":true", StringComparison.Ordinal) ? 0 : 1;
    }
}
