using System.Diagnostics;

namespace Berth.Actors;

/// <summary>
/// Failure injection for end-to-end specs: berthd kills itself (SIGKILL, as a crash would) at a named point of its work
/// when the point's environment variable is "1", so a spec can show what a restart makes of the half-done work.
/// </summary>
public static class CrashPoints
{
    /// <summary>A container's process runs in its shim, and the start is not yet in the journal.</summary>
    public static void AfterShimStart() => CrashIf("BERTH_TEST_CRASH_AFTER_SHIM_START");

    private static void CrashIf(string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) == "1") Process.GetCurrentProcess().Kill();
    }
}
