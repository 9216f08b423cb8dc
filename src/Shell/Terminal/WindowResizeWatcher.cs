using System.Runtime.InteropServices;

namespace Berth.Shell.Terminal;

/// <summary>
/// Calls back on every SIGWINCH (the terminal window changed size). .NET has no PosixSignal.SIGWINCH member,
/// but PosixSignalRegistration accepts raw Linux signal numbers cast to PosixSignal.
/// </summary>
public sealed class WindowResizeWatcher : IDisposable
{
    /// <summary>SIGWINCH on Linux.</summary>
    public const int SigWinch = 28;

    private readonly PosixSignalRegistration _registration;

    public WindowResizeWatcher(Action onResize)
    {
        _registration = PosixSignalRegistration.Create((PosixSignal)SigWinch, ctx =>
        {
            ctx.Cancel = true; // SIGWINCH's default action is to ignore; nothing else to do
            onResize();
        });
    }

    public void Dispose() => _registration.Dispose();
}
