using Microsoft.Extensions.Primitives;

namespace Berth.Host.Api;

/// <summary>
/// Requests sent by web pages. Whoever can reach the API is root on the host, and a browser reaches loopback TCP for any
/// page it shows, so a request a browser marks (Origin, or any Sec-Fetch-Site; a page can set neither) is refused unless
/// dockerd's --api-cors-header names its origin ("*": every origin). Allowed ones get dockerd's CORS headers. The docker
/// CLI and SDKs send neither header.
/// </summary>
public static class BrowserRequests
{
    /// <summary>Why this request is refused (a 403 message), or null when it may go on.</summary>
    public static string? Refusal(HttpRequest req, string? allowedOrigin)
    {
        var origin = req.Headers.Origin;
        var fetchSite = req.Headers["Sec-Fetch-Site"];
        if (StringValues.IsNullOrEmpty(origin) && StringValues.IsNullOrEmpty(fetchSite)) return null;
        if (allowedOrigin == "*" || (allowedOrigin != null && origin.ToString() == allowedOrigin)) return null;
        var mark = StringValues.IsNullOrEmpty(origin) ? $"Sec-Fetch-Site: {fetchSite}" : $"Origin: {origin}";
        return $"refusing a request from a web page ({mark}): whoever can use this API controls the host, so browsers may not; " +
               "start the daemon with --api-cors-header <origin> to allow one";
    }

    /// <summary>dockerd's CORS middleware: the configured origin and the fixed header and method lists.</summary>
    public static void AddCorsHeaders(HttpResponse res, string allowedOrigin)
    {
        res.Headers["Access-Control-Allow-Origin"] = allowedOrigin;
        res.Headers["Access-Control-Allow-Headers"] = "Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth";
        res.Headers["Access-Control-Allow-Methods"] = "HEAD, GET, POST, DELETE, PUT, OPTIONS";
    }
}
