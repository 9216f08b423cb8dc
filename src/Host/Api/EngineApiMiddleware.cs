using System.Text;
using Berth.Actors;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>
/// What every Engine API request shares: the optional /v1.NN prefix and its bounds, dockerd's response
/// headers, OPTIONS, and turning exceptions into {"message"} errors with the right status.
/// </summary>
public sealed class EngineApiMiddleware(RequestDelegate next, ILogger<EngineApiMiddleware> log, IHostApplicationLifetime lifetime)
{
    public static readonly string ServerHeader = $"Berth/{BerthVersion.Version} (linux)";

    public async Task InvokeAsync(HttpContext ctx)
    {
        // Long requests (wait, events, logs -f, stats) end when the daemon stops, as dockerd's do, instead of holding
        // the shutdown until Kestrel's timeout; and when the client hangs up (see ClientHangup).
        var hangup = ctx.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } ? CancellationToken.None
            : ctx.Features.Get<Hosting.ClientHangup>()?.Token ?? CancellationToken.None;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping, hangup);
        ctx.RequestAborted = ended.Token;
        var (version, path) = ApiVersion.Split(ctx.Request.Path.Value ?? "/");
        if (version != null)
        {
            if (ApiVersion.Compare(version, ApiVersion.Max) > 0)
            {
                AddHeaders(ctx);
                await ApiJson.WriteError(ctx, 400, $"client version {version} is too new. Maximum supported API version is {ApiVersion.Max}");
                return;
            }
            if (ApiVersion.Compare(version, ApiVersion.Min) < 0)
            {
                // Requests below 1.24 get plain-text errors, as from dockerd.
                AddHeaders(ctx);
                ctx.Response.StatusCode = 400;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync($"client version {version} is too old. Minimum supported API version is {ApiVersion.Min}, please upgrade your client to a newer version\n");
                return;
            }
            ctx.Items[ApiVersion.ItemKey] = version;
            ctx.Request.Path = path;
        }

        if (HttpMethods.IsOptions(ctx.Request.Method))
        {
            ctx.Response.StatusCode = 200;
            return;
        }

        ctx.Response.OnStarting(() =>
        {
            // A route nobody handles gets dockerd's bare 404, without the API headers.
            if (ctx.GetEndpoint() != null || ctx.Response.StatusCode != 404) AddHeaders(ctx);
            return Task.CompletedTask;
        });

        try
        {
            await next(ctx);
            if (ctx.GetEndpoint() == null && ctx.Response.StatusCode == 404 && !ctx.Response.HasStarted)
                await ApiJson.WriteError(ctx, 404, "page not found");
        }
        catch (ApiException e) when (!ctx.Response.HasStarted)
        {
            await ApiJson.WriteError(ctx, e.Status, e.Message);
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
        {
            await ApiJson.WriteError(ctx, 400, e.Message);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            log.LogError(e, "{Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            await ApiJson.WriteError(ctx, 500, e.Message);
        }
    }

    public static void AddHeaders(HttpContext ctx)
    {
        var h = ctx.Response.Headers;
        h["Api-Version"] = ApiVersion.Max;
        h["Docker-Experimental"] = "false";
        h["Ostype"] = "linux";
        h["Server"] = ServerHeader;
    }

    /// <summary>Reads a JSON request body with dockerd's content-type rule (absent or application/json[; params]).</summary>
    public static void RequireJsonContentType(HttpRequest req)
    {
        var ct = req.ContentType;
        if (string.IsNullOrEmpty(ct)) return;
        var media = ct.Split(';')[0].Trim();
        if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            throw ApiException.BadRequest($"unsupported Content-Type header ({ct}): must be 'application/json'");
    }
}

/// <summary>Query-string readers with dockerd's rules.</summary>
public static class Query
{
    /// <summary>httputils.BoolValue: "", 0, no, false, none are false; anything else true; absent → default.</summary>
    public static bool Bool(HttpRequest req, string name, bool fallback = false)
    {
        if (!req.Query.TryGetValue(name, out var v)) return fallback;
        var s = v.ToString().Trim().ToLowerInvariant();
        return s is not ("" or "0" or "no" or "false" or "none");
    }

    public static string? String(HttpRequest req, string name) =>
        req.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public static int? Int(HttpRequest req, string name)
    {
        var s = String(req, name);
        if (string.IsNullOrEmpty(s)) return null;
        return int.TryParse(s, out var i) ? i : throw ApiException.BadRequest($"invalid value for {name}: {s}");
    }
}
