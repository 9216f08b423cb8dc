using Berth.Shell.Formatting;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

public sealed class HumanUnitsSpecs
{
    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1, "1B")]
    [InlineData(999, "999B")]
    [InlineData(1000, "1kB")]
    [InlineData(1024, "1.024kB")]
    [InlineData(32768, "32.77kB")]
    [InlineData(3073125, "3.073MB")]
    [InlineData(3073536, "3.074MB")]
    [InlineData(1e12, "1TB")]
    [InlineData(1.5e24, "1.5YB")]
    [InlineData(1e27, "1000YB")]
    public void Human_size_uses_decimal_units_and_four_significant_digits(double bytes, string expected) =>
        Assert.Equal(expected, HumanUnits.Size(bytes));

    [Theory]
    [InlineData(1982347, "1.98MB")]
    [InlineData(4865000, "4.87MB")]
    [InlineData(1125, "1.12kB")] // an exact binary half rounds to even, as Go's strconv does
    [InlineData(1135, "1.14kB")]
    [InlineData(999500, "1e+03kB")] // Go's %g switches to an exponent when rounding reaches the precision
    public void Listing_size_keeps_three_significant_digits(long bytes, string expected) =>
        Assert.Equal(expected, HumanUnits.ListingSize(bytes));

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1024, "1KiB")]
    [InlineData(1536 * 1024, "1.5MiB")]
    [InlineData(44 * 1024, "44KiB")]
    [InlineData(17.5 * 1024 * 1024 * 1024, "17.5GiB")]
    public void Binary_size_uses_kibibytes_like_stats(double bytes, string expected) =>
        Assert.Equal(expected, HumanUnits.BinarySize(bytes));

    // go-units duration_test.go cases.
    [Theory]
    [InlineData(0.45, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(47, "47 seconds")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(3 * 60, "3 minutes")]
    [InlineData(35 * 60 + 40, "35 minutes")]
    [InlineData(59 * 60, "59 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(3600 + 29 * 60, "About an hour")]
    [InlineData(3600 + 31 * 60, "2 hours")]
    [InlineData(3 * 3600 + 29 * 60, "3 hours")]
    [InlineData(3 * 3600 + 31 * 60, "4 hours")]
    [InlineData(24 * 3600, "24 hours")]
    [InlineData(36 * 3600, "36 hours")]
    [InlineData(2 * 86400, "2 days")]
    [InlineData(13 * 86400 + 5 * 3600, "13 days")]
    [InlineData(14 * 86400, "2 weeks")]
    [InlineData(30 * 86400, "4 weeks")]
    [InlineData(44 * 86400, "6 weeks")]
    [InlineData(60 * 86400, "2 months")]
    [InlineData(24 * 30 * 86400, "24 months")]
    [InlineData(24 * 30 * 86400 + 14 * 86400, "2 years")]
    [InlineData(3 * 365 * 86400 + 60 * 86400, "3 years")]
    public void Human_duration_follows_go_units(double seconds, string expected) =>
        Assert.Equal(expected, HumanUnits.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(90, "1m30s")]
    [InlineData(7205, "2h0m5s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.25, "250ms")]
    public void Go_duration_strings_match_time_Duration_String(double seconds, string expected) =>
        Assert.Equal(expected, HumanUnits.GoDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Created_at_prints_like_go_time_String() =>
        Assert.Equal("2026-11-26 16:02:23 +0000 UTC", HumanUnits.GoTime(1795708943));

    [Fact]
    public async Task Listing_sizes_match_what_docker_images_prints()
    {
        long[] sizes = [0, 1, 999, 1000, 1125, 1225, 32768, 999500, 999499, 1982347, 4865000, 1230000000, 123456789012, 5_000_000_000_000_000];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var images = string.Join(",", sizes.Select((s, i) =>
            $$"""{"Containers":-1,"Created":{{now - i * 60}},"Id":"sha256:{{i:x2}}{{new string('a', 62)}}","Labels":null,"ParentId":"","RepoDigests":null,"RepoTags":["img{{i}}:latest"],"SharedSize":-1,"Size":{{s}},"VirtualSize":{{s}}}"""));
        await using var server = new FakeEngineServer();
        server.Map("GET", "/images/json", _ => FakeResponse.Json("[" + images + "]"));

        var docker = await DockerCli.RunAsync(server, "images", "--format", "{{.Repository}} {{.Size}}");

        Assert.True(docker.ExitCode == 0, docker.Stderr);
        var expected = string.Concat(sizes.Select((s, i) => $"img{i} {HumanUnits.ListingSize(s)}\n"));
        Assert.Equal(docker.Stdout, expected);
    }
}
