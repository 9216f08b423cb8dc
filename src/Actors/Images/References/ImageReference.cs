using System.Text.RegularExpressions;
using Berth.Actors.Images.Content;

namespace Berth.Actors.Images.References;

/// <summary>A reference that does not follow docker's grammar.</summary>
public sealed class InvalidReferenceException(string message) : FormatException(message);

/// <summary>
/// A normalised image reference, as docker's distribution/reference does it: <c>busybox</c> is
/// <c>docker.io/library/busybox</c>, <c>localhost:5000/x:1</c> keeps its domain, and <see cref="Familiar"/> gives back
/// the short form used in RepoTags.
/// </summary>
public sealed partial record ImageReference(string Domain, string Path, string? Tag, Digest? Digest)
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>"docker.io/library/busybox".</summary>
    public string Name => $"{Domain}/{Path}";

    /// <summary>"busybox" for docker.io/library/busybox, "user/app" for docker.io/user/app, the full name otherwise.</summary>
    public string FamiliarName
    {
        get
        {
            if (Domain != DefaultDomain) return Name;
            return Path.StartsWith("library/", StringComparison.Ordinal) && Path.IndexOf('/', 8) < 0 ? Path[8..] : Path;
        }
    }

    /// <summary>The short form shown by the CLI: "busybox:latest", "127.0.0.1:5000/bb:1", "busybox@sha256:…".</summary>
    public string Familiar => FamiliarName + Suffix;

    public bool IsTagged => Tag is not null;
    public bool IsCanonical => Digest is not null;

    /// <summary>Adds ":latest" when neither a tag nor a digest is given.</summary>
    public ImageReference WithDefaultTag() => Tag is null && Digest is null ? this with { Tag = DefaultTag } : this;

    public ImageReference NameOnly => this with { Tag = null, Digest = null };

    public override string ToString() => Name + Suffix;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    /// <summary>Parses and normalises a user-supplied reference (docker's ParseNormalizedNamed).</summary>
    public static ImageReference Parse(string text)
    {
        if (string.IsNullOrEmpty(text)) throw new InvalidReferenceException("invalid reference format: repository name must have at least one component");
        if (FullHex().IsMatch(text))
            throw new InvalidReferenceException($"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings");
        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Content.Digest.TryParse(rest[(at + 1)..], out var d)) throw new InvalidReferenceException($"invalid reference format: bad digest in \"{text}\"");
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!TagPattern().IsMatch(tag)) throw new InvalidReferenceException($"invalid reference format: bad tag \"{tag}\" in \"{text}\"");
        }
        string domain, path;
        var slash = rest.IndexOf('/');
        var first = slash < 0 ? "" : rest[..slash];
        if (slash < 0 || (!first.Contains('.') && !first.Contains(':') && first != "localhost" && first.ToLowerInvariant() == first))
        {
            domain = DefaultDomain;
            path = rest;
        }
        else
        {
            domain = first;
            path = rest[(slash + 1)..];
        }
        if (domain == "index.docker.io") domain = DefaultDomain;
        if (domain == DefaultDomain && !path.Contains('/')) path = "library/" + path;
        if (path.ToLowerInvariant() != path) throw new InvalidReferenceException("invalid reference format: repository name must be lowercase");
        if (!DomainPattern().IsMatch(domain)) throw new InvalidReferenceException($"invalid reference format: bad domain \"{domain}\" in \"{text}\"");
        foreach (var component in path.Split('/'))
            if (!PathComponent().IsMatch(component)) throw new InvalidReferenceException($"invalid reference format: \"{text}\"");
        if (domain.Length + 1 + path.Length > 255) throw new InvalidReferenceException("invalid reference format: repository name must not be more than 255 characters");
        return new ImageReference(domain, path, tag, digest);
    }

    public static bool TryParse(string text, out ImageReference? reference)
    {
        try { reference = Parse(text); return true; }
        catch (InvalidReferenceException) { reference = null; return false; }
    }

    /// <summary>True for a full 64-hex image id.</summary>
    public static bool IsFullHexId(string text) => FullHex().IsMatch(text);

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex FullHex();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$|^\[[a-fA-F0-9:]+\](?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$")]
    private static partial Regex PathComponent();
}
