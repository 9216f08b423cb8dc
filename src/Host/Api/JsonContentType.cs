using Berth.Host.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>
/// dockerd's CheckForJSON: a request body must be declared application/json (parameters allowed, case ignored); no
/// Content-Type is fine only when there is no body. A web page can send text/plain without asking first, so this is
/// also what keeps a page's form from creating containers.
/// </summary>
public static class JsonContentType
{
    private const string Json = "application/json";

    /// <summary>Throws docker's 400 when <paramref name="ctx"/> carries a body that is not declared JSON.</summary>
    public static void Require(HttpContext ctx)
    {
        var ct = ctx.Request.ContentType ?? "";
        if (ct.Length == 0 && !HasBody(ctx)) return;
        var (media, error) = Parse(ct);
        if (error != null) throw ApiException.BadRequest($"malformed Content-Type header ({ct}): {error}");
        if (media != Json) throw ApiException.BadRequest($"unsupported Content-Type header ({ct}): must be '{Json}'");
    }

    /// <summary>Content-Length above 0 or chunked; an upgrade's bytes are a stream, but exec start's JSON moved into a header counts.</summary>
    private static bool HasBody(HttpContext ctx)
    {
        if (ctx.Request.Headers.ContainsKey(UpgradeWithBody.BodyHeader)) return true;
        if (ctx.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }) return false;
        return ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? ctx.Request.ContentLength > 0;
    }

    /// <summary>Go's mime.ParseMediaType: the lower-cased type/subtype, or the error text Go gives for it.</summary>
    public static (string Media, string? Error) Parse(string contentType)
    {
        var parts = contentType.Split(';');
        var media = parts[0].Trim().ToLowerInvariant();
        var type = Token(media, 0);
        if (type == 0) return ("", "mime: no media type");
        if (type < media.Length)
        {
            if (media[type] != '/') return ("", "mime: expected slash after first token");
            var subtype = Token(media, type + 1);
            if (subtype == type + 1) return ("", "mime: expected token after slash");
            if (subtype < media.Length) return ("", "mime: unexpected content after media subtype");
        }
        for (var i = 1; i < parts.Length; i++)
            if (!IsParameter(parts[i]) && !(i == parts.Length - 1 && parts[i].Trim().Length == 0))
                return (media, "mime: invalid media parameter");
        return (media, null);
    }

    /// <summary>key=value with a token key and a token or quoted value.</summary>
    private static bool IsParameter(string p)
    {
        var eq = p.IndexOf('=');
        if (eq < 0) return false;
        var key = p[..eq].Trim();
        var value = p[(eq + 1)..].Trim();
        if (key.Length == 0 || Token(key, 0) != key.Length || value.Length == 0) return false;
        return Token(value, 0) == value.Length || (value.Length >= 2 && value[0] == '"' && value[^1] == '"');
    }

    /// <summary>Where the RFC 2045 token starting at <paramref name="start"/> ends.</summary>
    private static int Token(string s, int start)
    {
        var i = start;
        while (i < s.Length && s[i] > ' ' && s[i] < 0x7f && !"()<>@,;:\\\"/[]?=".Contains(s[i])) i++;
        return i;
    }
}
