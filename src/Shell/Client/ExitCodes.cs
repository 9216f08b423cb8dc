namespace Berth.Shell.Client;

/// <summary>The docker CLI's exit codes for failures that are not the container's own exit status.</summary>
public static class ExitCodes
{
    /// <summary>The daemon or the CLI failed (docker run/create/start).</summary>
    public const int DaemonFailure = 125;

    /// <summary>The command could not be invoked (permission denied, is a directory).</summary>
    public const int CannotInvoke = 126;

    /// <summary>The command was not found.</summary>
    public const int NotFound = 127;

    /// <summary>
    /// docker run's runStartContainerErr: 127 when the message says the executable was not found, 126 for
    /// "permission denied" / "is a directory", else 125.
    /// </summary>
    public static int ForStartFailure(string message)
    {
        if (message.Contains("executable file not found", StringComparison.Ordinal) ||
            message.Contains("no such file or directory", StringComparison.Ordinal) ||
            message.Contains("system cannot find the file specified", StringComparison.Ordinal))
            return NotFound;
        if (message.Contains("permission denied", StringComparison.Ordinal) || message.Contains("is a directory", StringComparison.Ordinal))
            return CannotInvoke;
        return DaemonFailure;
    }
}
