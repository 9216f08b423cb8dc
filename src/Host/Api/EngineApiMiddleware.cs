using Berth.Actors;
using Berth.Host.Configuration;
using Berth.Host.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>
/// What every Engine API request shares: refusing web pages (<see cref="BrowserRequests"/>), the optional /v1.NN prefix
/// and its bounds, dockerd's response headers, OPTIONS, a body cut short reading as "unexpected EOF", and turning
/// exceptions into {"message"} errors with the right status; a client that went away is one debug line, not a stack trace.
/// </summary>
public sealed class EngineApiMiddleware(RequestDelegate next, ILogger<EngineApiMiddleware> log, IHostApplicationLifetime lifetime, DaemonOptions options)
{
    public static readonly string ServerHeader = $"Berth/{BerthVersion.Version} (linux)";

    public async Task InvokeAsync(HttpContext ctx)
    {
        var hangup = ctx.Features.Get<ClientHangup>();
        if (hangup != null)
        {
            // The client's end of input reaches Kestrel only after its requests are finished (see ClientInput).
            ctx.Response.OnCompleted(() => { hangup.RequestFinished(); return Task.CompletedTask; });
            if (ctx.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true }
                && ctx.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
                ctx.Request.Body = new RequestBody(ctx.Request.BodyReader, hangup, ctx.Features.Get<IHttpBodyControlFeature>());
        }

        if (BrowserRequests.Refusal(ctx.Request, options.ApiCorsHeader) is { } refusal)
        {
            AddHeaders(ctx);
            await ApiJson.WriteError(ctx, 403, refusal);
            return;
        }
        if (options.ApiCorsHeader is { } allowed) BrowserRequests.AddCorsHeaders(ctx.Response, allowed);

        // Long requests end when the daemon stops, as dockerd's do, instead of holding the shutdown until Kestrel's
        // timeout; streams also end when the client closes its side (EndpointRules).
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
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
            await ApiJson.WriteError(ctx, e.StatusCode, e.Message);
        }
        catch (Exception e) when (ClientGone(ctx, e))
        {
            // Nothing can reach the client any more. An unstarted answer is not sent as an empty 200: the connection
            // closes without one.
            log.LogDebug("{Method} {Path}: the client went away or the daemon is stopping ({Reason})", ctx.Request.Method, ctx.Request.Path, e.Message);
            if (!ctx.Response.HasStarted) ctx.Abort();
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            log.LogError(e, "{Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            await ApiJson.WriteError(ctx, 500, e.Message);
        }
    }

    /// <summary>The request ended because its connection did (the client left, or the daemon is stopping), not because of a fault.</summary>
    private static bool ClientGone(HttpContext ctx, Exception e) => e switch
    {
        OperationCanceledException => ctx.RequestAborted.IsCancellationRequested,
        ConnectionResetException or ConnectionAbortedException or IOException { InnerException: System.Net.Sockets.SocketException } => true,
        BadHttpRequestException => ctx.RequestAborted.IsCancellationRequested || ctx.Features.Get<ClientHangup>()?.IsCutShort == true,
        _ => false,
    };

    public static void AddHeaders(HttpContext ctx)
    {
        var h = ctx.Response.Headers;
        h["Api-Version"] = ApiVersion.Max;
        h["Docker-Experimental"] = "false";
        h["Ostype"] = "linux";
        h["Server"] = ServerHeader;
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
