using Berth.Host.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Host.Api;

/// <summary>
/// What a matched route declares about its requests, applied before it runs: a body is JSON unless the route takes raw
/// bytes (<see cref="EndpointRuleExtensions.TakesRawBody{TBuilder}"/>), and a stream with no end of its own stops when
/// the client closes its side (<see cref="EndpointRuleExtensions.EndsWhenClientCloses{TBuilder}"/>).
/// </summary>
public sealed class EndpointRules(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        var endpoint = ctx.GetEndpoint();
        if (endpoint == null)
        {
            await next(ctx);
            return;
        }
        if (endpoint.Metadata.GetMetadata<RawBody>() == null) JsonContentType.Require(ctx);

        // Everything else is carried out and answered even when the client half-closes right after its request (socat,
        // shutdown(SHUT_WR)): only a stream that would otherwise wait forever listens for the client's end.
        if (endpoint.Metadata.GetMetadata<EndsWhenClientCloses>() is { } ends && ends.Applies(ctx.Request)
            && ctx.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true }
            && ctx.Features.Get<ClientHangup>() is { } hangup)
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, hangup.Token);
            ctx.RequestAborted = ended.Token;
            await next(ctx);
            return;
        }
        await next(ctx);
    }
}

/// <summary>Route metadata: the request body is not JSON (a tar archive, a stream), so the JSON content-type rule does not apply.</summary>
public sealed record RawBody;

/// <summary>Route metadata: the response streams until the client leaves (wait, events, logs -f, stats); <see cref="Applies"/> says when.</summary>
public sealed record EndsWhenClientCloses(Func<HttpRequest, bool> Applies);

/// <summary>How routes declare <see cref="RawBody"/> and <see cref="EndsWhenClientCloses"/>.</summary>
public static class EndpointRuleExtensions
{
    public static TBuilder TakesRawBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RawBody());

    public static TBuilder EndsWhenClientCloses<TBuilder>(this TBuilder builder, Func<HttpRequest, bool>? when = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndsWhenClientCloses(when ?? (_ => true)));
}
