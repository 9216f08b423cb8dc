namespace Berth.Actors.Images.Layers;

/// <summary>A layer entry (or hardlink target) tried to reach outside the layer root; nothing was written outside.</summary>
public sealed class LayerEscapeException(string message) : IOException(message);

/// <summary>Normalises tar entry names into path components confined to the layer root.</summary>
public static class LayerPath
{
    /// <summary>
    /// Splits a tar name into components. Leading "/" and "./" are dropped (docker treats absolute names as relative to
    /// the layer root); any ".." component is refused outright, because no well-formed layer needs one.
    /// </summary>
    public static string[] Components(string name, string what = "entry")
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") throw new LayerEscapeException($"layer {what} \"{name}\" refers to a parent directory (..) and would escape the layer root");
            if (part.Contains('\0')) throw new InvalidDataException($"layer {what} \"{name}\" contains a NUL byte");
            parts.Add(part);
        }
        return [.. parts];
    }

    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string WhiteoutMetaPrefix = ".wh..wh.";
}
