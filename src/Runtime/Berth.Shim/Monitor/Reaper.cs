using Berth.Runtime.Native;

namespace Berth.Shim.Monitor;

/// <summary>
/// The shim's only waitid loop: reaps every child (runtime invocations, the reparented container
/// init, orphans of the container) on one dedicated thread and hands exits to whoever waits for that pid.
/// </summary>
internal sealed class Reaper
{
    private readonly object _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<ChildExit>> _waiting = new();
    private readonly Dictionary<int, ChildExit> _unclaimed = new();
    private readonly SemaphoreSlim _childrenAppeared = new(0);

    public Reaper()
    {
        new Thread(Loop) { IsBackground = true, Name = "reaper" }.Start();
    }

    /// <summary>Call after spawning: wakes the loop if it found no children before.</summary>
    public void ChildSpawned() => _childrenAppeared.Release();

    /// <summary>Completes when <paramref name="pid"/> has exited and been reaped (even if that already happened).</summary>
    public Task<ChildExit> WaitFor(int pid)
    {
        lock (_gate)
        {
            if (_unclaimed.Remove(pid, out var done)) return Task.FromResult(done);
            if (!_waiting.TryGetValue(pid, out var tcs))
                _waiting[pid] = tcs = new TaskCompletionSource<ChildExit>(TaskCreationOptions.RunContinuationsAsynchronously);
            return tcs.Task;
        }
    }

    private void Loop()
    {
        while (true)
        {
            if (Processes.WaitAny() is not { } exit)
            {
                _childrenAppeared.Wait();
                continue;
            }
            TaskCompletionSource<ChildExit>? tcs;
            lock (_gate)
            {
                if (!_waiting.Remove(exit.Pid, out tcs))
                {
                    // Orphans of the container are reaped and forgotten; keep only a bounded memory of them.
                    if (_unclaimed.Count > 4096) _unclaimed.Clear();
                    _unclaimed[exit.Pid] = exit;
                }
            }
            tcs?.TrySetResult(exit);
        }
    }
}
