namespace Berth.Shell.Cli;

/// <summary>A failure the CLI reports on one line and turns into an exit code (125 for daemon errors, like docker).</summary>
public sealed class CliError(string message, int exitCode = 125) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
