namespace Berth.Actors.Protocol;

/// <summary>How an image operation failed (the HTTP layer maps it to docker's status code).</summary>
public enum ImageErrorKind
{
    NotFound,
    Conflict,
    InvalidArgument,
    Internal,
}

/// <summary>An image operation was refused or failed; <see cref="Exception.Message"/> is docker's text.</summary>
public sealed class ImageOperationException(ImageErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public ImageErrorKind Kind { get; } = kind;

    public static ImageOperationException NoSuchImage(string name) => new(ImageErrorKind.NotFound, $"No such image: {name}");
}
