using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>
/// --api-cors-header names the one origin whose pages may use the API (dockerd's flag; "*" allows every origin). Its
/// requests get dockerd's Access-Control-Allow-* headers; every other origin is still refused.
/// </summary>
public sealed class ApiCorsHeaderSpecs : DaemonSpecs
{
    private const string Allowed = "http://allowed.example";

    protected override string[] DaemonArguments => ["--api-cors-header", Allowed];

    [Fact]
    public async Task The_allowed_origin_is_served_with_the_cors_headers()
    {
        var r = await RawHttp.Request(Daemon.Host, "GET", "/v1.41/containers/json", [("Origin", Allowed), ("Sec-Fetch-Site", "cross-site")]);

        Assert.Equal(200, r.Status);
        Assert.Equal("[]\n", r.Body);
        Assert.Equal(Allowed, r.Headers["Access-Control-Allow-Origin"]);
        Assert.Equal("Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth", r.Headers["Access-Control-Allow-Headers"]);
        Assert.Equal("HEAD, GET, POST, DELETE, PUT, OPTIONS", r.Headers["Access-Control-Allow-Methods"]);
    }

    [Fact]
    public async Task The_allowed_origins_preflight_is_answered_with_the_cors_headers()
    {
        var r = await RawHttp.Request(Daemon.Host, "OPTIONS", "/v1.41/containers/create",
            [("Origin", Allowed), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")]);

        Assert.Equal(200, r.Status);
        Assert.Equal(Allowed, r.Headers["Access-Control-Allow-Origin"]);
    }

    [Fact]
    public async Task Another_origin_is_still_refused()
    {
        var r = await RawHttp.Request(Daemon.Host, "GET", "/v1.41/containers/json", [("Origin", "http://evil.example")]);

        Assert.Equal(403, r.Status);
        Assert.Contains("Origin: http://evil.example", r.Body);
    }

    [Fact]
    public async Task A_star_allows_every_origin()
    {
        using var dir = new TempDir();
        await using var open = await Berthd.Start(dir, "--api-cors-header", "*");

        var r = await RawHttp.Request(open.Host, "GET", "/_ping", [("Origin", "http://anywhere.example"), ("Sec-Fetch-Site", "cross-site")]);

        Assert.Equal(200, r.Status);
        Assert.Equal("OK", r.Body);
        Assert.Equal("*", r.Headers["Access-Control-Allow-Origin"]);
    }
}
