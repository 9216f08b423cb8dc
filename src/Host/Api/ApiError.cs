using System.Net;

namespace Berth.Host.Api;

/// <summary>An Engine API error: the status docker would send and the message the CLI prints.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException NotFound(string message) => new((int)HttpStatusCode.NotFound, message);
    public static ApiException BadRequest(string message) => new((int)HttpStatusCode.BadRequest, message);
    public static ApiException Conflict(string message) => new((int)HttpStatusCode.Conflict, message);
    public static ApiException Internal(string message) => new((int)HttpStatusCode.InternalServerError, message);
}
