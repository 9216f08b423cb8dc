using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Numbers too large for the daemon's own types are answered as dockerd answers them, never with a 500 and a logged
/// exception: API versions compare like Go's (an overflowing part is the largest number), timestamps saturate.
/// </summary>
public sealed class OutOfRangeInputSpecs : ContainerSpecs
{
    [Theory]
    [InlineData("/v999999999999999999999.1/version", "client version 999999999999999999999.1 is too new. Maximum supported API version is 1.41")]
    [InlineData("/v1.41.9999999999999999999999/version", "client version 1.41.9999999999999999999999 is too new. Maximum supported API version is 1.41")]
    [InlineData("/v99/version", "client version 99 is too new. Maximum supported API version is 1.41")]
    [InlineData("/v99/", "client version 99 is too new. Maximum supported API version is 1.41")]
    public async Task A_version_prefix_beyond_the_maximum_is_a_400_naming_it(string path, string message)
    {
        var r = await RawHttp.Request(Daemon.Host, "GET", path);

        Assert.Equal(400, r.Status);
        Assert.Equal(message, JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString());
        Assert.DoesNotContain("Exception", Daemon.Log);
    }

    [Theory]
    [InlineData("/v1.2.3/version", "client version 1.2.3 is too old")]
    [InlineData("/v1/version", "client version 1 is too old")]
    public async Task A_version_prefix_below_the_minimum_is_a_plain_text_400(string path, string message)
    {
        var r = await RawHttp.Request(Daemon.Host, "GET", path);

        Assert.Equal(400, r.Status);
        Assert.StartsWith(message, r.Body);
    }

    [Fact]
    public async Task Logs_until_a_time_far_beyond_year_9999_are_the_whole_log()
    {
        await Ok("run", "--name", "talker", "busybox", "echo", "said");

        var r = await RawHttp.Request(Daemon.Host, "GET", "/v1.41/containers/talker/logs?stdout=1&until=99999999999999");

        Assert.Equal(200, r.Status);
        Assert.EndsWith("said\n", r.Body);
        Assert.DoesNotContain("Exception", Daemon.Log);
    }

    [Fact]
    public async Task Logs_since_a_time_far_beyond_year_9999_are_empty()
    {
        await Ok("run", "--name", "talker", "busybox", "echo", "said");

        var r = await RawHttp.Request(Daemon.Host, "GET", "/v1.41/containers/talker/logs?stdout=1&since=99999999999999.5");

        Assert.Equal(200, r.Status);
        Assert.Equal("", r.Body);
    }

    [Fact]
    public async Task A_prune_until_far_beyond_year_9999_prunes_every_stopped_container()
    {
        var id = (await Ok("create", "busybox", "true")).Trim();

        var r = await RawHttp.Request(Daemon.Host, "POST", "/v1.41/containers/prune?filters=" + Uri.EscapeDataString("""{"until":{"99999999999999":true}}"""));

        Assert.True(r.Status == 200, r.ToString());
        Assert.Contains(id, r.Body);
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
    }

    [Fact]
    public async Task Events_since_the_epoch_until_far_future_replay_what_happened()
    {
        await Ok("create", "--name", "recorded", "busybox", "true");
        using var http = await RawHttp.Connect(Daemon.Host);
        await http.Send("GET", "/v1.41/events?since=0&until=99999999999999");

        // The stream stays open (until is far away); the stored create event is sent at once.
        var head = await ReadHeadAndFirstEvent(http);

        Assert.Contains("\"Action\":\"create\"", head);
        Assert.Contains("recorded", head);
    }

    private static async Task<string> ReadHeadAndFirstEvent(RawHttp http)
    {
        var text = "";
        while (!text.Contains("\"Action\":\"create\"") && await http.ReadSome() is { Length: > 0 } chunk) text += chunk;
        return text;
    }
}
