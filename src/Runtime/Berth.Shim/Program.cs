using Berth.Shim;
using Berth.Shim.Monitor;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

// Before anything is created: nothing of the shim's is ever open to other users (see Umask).
Umask.Set(Umask.Private);
try
{
    var parsed = ShimArguments.Parse(args);
    var isMonitor = args.Contains(ShimArguments.MonitorFlag) || parsed.Foreground;
    return isMonitor ? await MonitorMain.Run(parsed) : Launcher.Run(parsed, args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"berth-shim: {e.Message}");
    Console.Error.WriteLine("usage: berth-shim --id ID --bundle DIR --state-dir DIR [--runtime PATH] [--runtime-root DIR] " +
                            "[--log-path FILE] [--log-max-size 10m] [--log-max-file 3] [--exit-file FILE] " +
                            "[--stdin] [--stdin-once] [--wait-for-start] [--foreground]");
    return 2;
}
catch (Exception e)
{
    Console.Error.WriteLine($"berth-shim: {e}");
    return 1;
}
