using System.Net;
using Berth.TestSupport;
using Docker.DotNet;

namespace Berth.Host.Tests.Api;

/// <summary>_ping, /version and /info as the docker CLI and Docker.DotNet see them.</summary>
public sealed class SystemEndpointSpecs : IAsyncLifetime
{
    private Berthd _d = null!;

    public async ValueTask InitializeAsync() => _d = await Berthd.Start();
    public async ValueTask DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Head_ping_carries_the_headers_the_cli_negotiates_with()
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("1.41", resp.Headers.GetValues("Api-Version").Single());
        Assert.Equal("linux", resp.Headers.GetValues("Ostype").Single());
        Assert.Equal("false", resp.Headers.GetValues("Docker-Experimental").Single());
        var cache = resp.Headers.CacheControl!;
        Assert.True(cache.NoCache && cache.NoStore && cache.MustRevalidate, cache.ToString());
        Assert.Equal("no-cache", resp.Headers.GetValues("Pragma").Single());
        Assert.Equal("text/plain; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        Assert.Equal(0, resp.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Get_ping_answers_OK()
    {
        using var http = UnixHttp.Client(_d.Socket);
        Assert.Equal("OK", await http.GetStringAsync("/_ping", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/v1.41/version")]
    [InlineData("/v1.24/version")]
    public async Task Version_is_served_with_and_without_a_version_prefix(string path)
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.ToString());
        var body = await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.EndsWith("}\n", body);
        Assert.Contains("\"ApiVersion\":\"1.41\"", body);
    }

    [Fact]
    public async Task A_client_version_above_the_maximum_is_refused_with_dockerds_words()
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.GetAsync("/v1.99/version", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"message\":\"client version 1.99 is too new. Maximum supported API version is 1.41\"}\n",
            await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_client_version_below_the_minimum_gets_a_plain_text_error()
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.GetAsync("/v1.11/version", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.StartsWith("text/plain", resp.Content.Headers.ContentType!.ToString());
        Assert.Contains("client version 1.11 is too old. Minimum supported API version is 1.24", await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_route_is_a_json_404_page_not_found()
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.GetAsync("/v1.41/nothing/here", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"message\":\"page not found\"}\n", await resp.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Options_on_any_path_is_200()
    {
        using var http = UnixHttp.Client(_d.Socket);
        using var resp = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v1.41/containers/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Fact]
    public async Task Docker_version_shows_berth_as_the_server()
    {
        var r = await Run.Docker(_d.Host, "version", "--format", "{{.Server.Platform.Name}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("berth 1.41 1.24 linux", r.Stdout.Trim());
    }

    [Fact]
    public async Task Docker_info_reports_the_real_kernel_cpus_memory_and_data_root()
    {
        var r = await Run.Docker(_d.Host, "info", "--format", "{{.KernelVersion}}|{{.NCPU}}|{{.MemTotal}}|{{.DockerRootDir}}|{{.CgroupVersion}}|{{.OSType}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        var f = r.Stdout.Trim().Split('|');
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), f[0]);
        Assert.Equal(Environment.ProcessorCount.ToString(), f[1]);
        var memKb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(memKb * 1024, long.Parse(f[2]));
        Assert.Equal(_d.DataRoot, f[3]);
        Assert.Equal(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", f[4]);
        Assert.Equal("linux", f[5]);
    }

    [Fact]
    public async Task Plain_docker_info_prints_without_errors()
    {
        var r = await Run.Docker(_d.Host, "info");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Server Version: ", r.Stdout);
        Assert.Contains("Default Runtime: berth-runtime", r.Stdout);
        Assert.DoesNotContain("ERROR", r.Stderr);
    }

    [Fact]
    public async Task Docker_DotNet_reads_version_and_info()
    {
        using var client = new DockerClientConfiguration(new Uri(_d.Host)).CreateClient();
        var version = await client.System.GetVersionAsync(TestContext.Current.CancellationToken);
        Assert.Equal("1.41", version.APIVersion);
        var info = await client.System.GetSystemInfoAsync(TestContext.Current.CancellationToken);
        Assert.Equal(_d.DataRoot, info.DockerRootDir);
        Assert.Equal(Environment.ProcessorCount, (int)info.NCPU);
    }

    [Fact]
    public async Task The_daemon_stops_cleanly_on_sigterm_and_removes_its_pid_file()
    {
        using var dir = new TempDir();
        var pidFile = dir.Combine("berthd.pid");
        var d = await Berthd.Start(dir, "--pidfile", pidFile);
        Assert.Equal(d.Pid.ToString(), File.ReadAllText(pidFile).Trim());
        Assert.Equal(0, await d.Stop());
        Assert.False(File.Exists(pidFile));
        await d.DisposeAsync();
    }
}
