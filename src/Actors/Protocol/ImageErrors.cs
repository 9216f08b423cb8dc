namespace Berth.Actors.Protocol;

/// <summary>How an image operation failed, mapped by the HTTP layer to docker's status codes.</summary>
public enum ImageErrorKind
{
    /// <summary>404</summary>
    NotFound,
    /// <summary>409</summary>
    Conflict,
    /// <summary>400</summary>
    InvalidArgument,
    /// <summary>500</summary>
    Internal,
}

/// <summary>An image operation was refused or failed; <see cref="Exception.Message"/> is docker's text.</summary>
public sealed class ImageOperationException(ImageErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public ImageErrorKind Kind { get; } = kind;

    public int HttpStatus => Kind switch
    {
        ImageErrorKind.NotFound => 404,
        ImageErrorKind.Conflict => 409,
        ImageErrorKind.InvalidArgument => 400,
        _ => 500,
    };

    public static ImageOperationException NoSuchImage(string name) => new(ImageErrorKind.NotFound, $"No such image: {name}");
}
