using System.Net;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>An Engine API error: the status docker would send and the message the CLI prints.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException NotFound(string message) => new((int)HttpStatusCode.NotFound, message);
    public static ApiException BadRequest(string message) => new((int)HttpStatusCode.BadRequest, message);
    public static ApiException Conflict(string message) => new((int)HttpStatusCode.Conflict, message);
    public static ApiException Internal(string message) => new((int)HttpStatusCode.InternalServerError, message);

    /// <summary>The one place a container refusal's kind becomes docker's status code.</summary>
    public static ApiException Of(ContainerErrorKind kind, string message) => kind switch
    {
        ContainerErrorKind.NotFound => NotFound(message),
        ContainerErrorKind.Conflict => Conflict(message),
        ContainerErrorKind.Invalid => BadRequest(message),
        _ => Internal(message),
    };

    public static ApiException Of(ContainerError e) => Of(e.Kind, e.Message);

    /// <summary>The one place an image refusal's kind becomes docker's status code.</summary>
    public static ApiException Of(ImageError e) => e.Kind switch
    {
        ImageErrorKind.NotFound => NotFound(e.Message),
        ImageErrorKind.Conflict => Conflict(e.Message),
        ImageErrorKind.InvalidArgument => BadRequest(e.Message),
        _ => Internal(e.Message),
    };
}
