using Akka.Event;
using Berth.Shim.Protocol;

namespace Berth.Actors.Containers;

/// <summary>A run whose shim went away without reporting an exit: watched again if it answers, else its processes go too.</summary>
public sealed partial class ContainerActor
{
    /// <summary>
    /// The run ended (with its exit), or berthd lost its shim (no exit): a shim that still answers is watched again;
    /// one that is gone takes the container's processes with it.
    /// </summary>
    private async Task RunEnded(ExitStatus? exit)
    {
        if (exit == null && _runtime.MayHaveRun(Paths))
        {
            try
            {
                var again = await _runtime.AdoptAsync(Paths);
                if (_shim != null) await _shim.DisposeAsync();
                _shim = again;
                WatchExit(again);
                return;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException) { /* the shim is gone */ }
        }
        await Exited(exit ?? ReadExitFile() ?? ShimLost());
    }

    /// <summary>
    /// The shim died without recording an exit (kill -9): the container's processes are killed too and the run ends as
    /// dockerd reports a container whose shim was killed, with 137; the next start clears the runtime's leftover state.
    /// </summary>
    private ExitStatus ShimLost()
    {
        _log.Warning("container {0}: its berth-shim is gone; its processes are killed", _state.Id);
        try { _runtime.KillOrphans(Paths); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _log.Warning("container {0}: killing what its lost shim left: {1}", _state.Id, e.Message);
        }
        return new ExitStatus(137, null, DateTimeOffset.UtcNow.ToString("O"), false, null);
    }
}
