using Berth.Runtime.Native;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Containers;

/// <summary>Runs runtime-namespace hooks with the state JSON on stdin, honouring their timeouts.</summary>
public static unsafe class HookRunner
{
    /// <summary>Runs each hook in order; throws RuntimeError naming the first failing one.</summary>
    public static void RunAll(string stage, IEnumerable<Hook>? hooks, string stateJson)
    {
        var i = 0;
        foreach (var h in hooks ?? [])
        {
            var code = Run(h, stateJson);
            if (code != 0) throw new RuntimeError($"hooks.{stage}[{i}] ({h.Path}) failed: {Describe(code)}");
            i++;
        }
    }

    /// <summary>Runs every hook even when some fail (poststart/poststop); returns warnings.</summary>
    public static List<string> RunAllWarn(string stage, IEnumerable<Hook>? hooks, string stateJson)
    {
        var warnings = new List<string>();
        var i = 0;
        foreach (var h in hooks ?? [])
        {
            try
            {
                var code = Run(h, stateJson);
                if (code != 0) warnings.Add($"hooks.{stage}[{i}] ({h.Path}) failed: {Describe(code)}");
            }
            catch (Exception e) when (e is SyscallException or RuntimeError) { warnings.Add($"hooks.{stage}[{i}] ({h.Path}): {e.Message}"); }
            i++;
        }
        return warnings;
    }

    private static string Describe(int code) => code == -1 ? "timed out" : $"exit status {code}";

    /// <summary>Exit code of the hook, or -1 on timeout.</summary>
    public static int Run(Hook h, string stateJson)
    {
        var p = stackalloc int[2];
        Errno.Check(Sys.pipe2(p, Sys.O_CLOEXEC), "pipe2", h.Path!);
        int pid;
        try
        {
            var argv = h.Args is { Count: > 0 } ? h.Args : [h.Path!];
            pid = Spawner.Spawn(h.Path!, argv, h.Env ?? [], new Dictionary<int, int> { [0] = p[0] });
        }
        finally { Sys.close(p[0]); }
        try { Sys.WriteAll(p[1], System.Text.Encoding.UTF8.GetBytes(stateJson), "hook stdin"); }
        catch (SyscallException) { /* the hook need not read its stdin */ }
        finally { Sys.close(p[1]); }

        var deadline = h.Timeout is { } t ? DateTime.UtcNow.AddSeconds(t) : DateTime.MaxValue;
        if (!h.Timeout.HasValue) return Processes.Wait(pid).ExitCode;
        while (true)
        {
            if (Processes.TryWait(pid) is { } exit) return exit.ExitCode;
            if (DateTime.UtcNow >= deadline)
            {
                Sys.kill(pid, 9);
                Processes.Wait(pid);
                return -1;
            }
            Thread.Sleep(5);
        }
    }
}
