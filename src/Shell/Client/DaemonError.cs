using System.Net;

namespace Berth.Shell.Client;

/// <summary>A non-success answer from the daemon; Message is what the CLI prints: "Error response from daemon: …".</summary>
public sealed class DaemonError(int statusCode, string daemonMessage, string? text = null)
    : Exception(text ?? "Error response from daemon: " + daemonMessage)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The daemon's own message, without the CLI prefix.</summary>
    public string DaemonMessage { get; } = daemonMessage;

    public bool IsNotFound => StatusCode == (int)HttpStatusCode.NotFound;
    public bool IsConflict => StatusCode == (int)HttpStatusCode.Conflict;
}

/// <summary>The daemon could not be reached at all (refused, socket missing): docker's "Cannot connect …" message.</summary>
public sealed class DaemonUnreachableError(string address, Exception inner)
    : Exception($"Cannot connect to the berth daemon at {address}. Is the berth daemon running?", inner)
{
    public string Address { get; } = address;
}

/// <summary>An errorDetail inside a progress stream (pull/push/build/load); ExitCode is what the CLI exits with.</summary>
public sealed class JsonStreamError(int code, string message) : Exception(message)
{
    public int Code { get; } = code;

    /// <summary>docker exits with errorDetail.code, or 1 when the daemon gave none.</summary>
    public int ExitCode => Code == 0 ? 1 : Code;
}
