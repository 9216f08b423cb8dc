using Xunit;
using Berth.Shim.Logging;

namespace Berth.Runtime.Tests.Shim;

/// <summary>json-file rotation with the shim's --log-max-size/--log-max-file against a real container.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimLogRotationSpecs
{
    [Fact]
    public async Task The_log_rotates_into_numbered_files_keeping_the_newest_lines()
    {
        const int max = 2048;
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done"],
            waitForStart: false, rotation: new LogRotation(max, 3));

        await shim.Wait();

        Assert.True(File.Exists(shim.LogPath + ".1"));
        Assert.True(File.Exists(shim.LogPath + ".2"));
        Assert.False(File.Exists(shim.LogPath + ".3"));
        foreach (var rotated in new[] { shim.LogPath + ".1", shim.LogPath + ".2" })
        {
            var size = new FileInfo(rotated).Length;
            Assert.InRange(size, max, max + 100); // rotated once it reached max-size, before the next entry
        }
        var numbers = new[] { ".2", ".1", "" }
            .SelectMany(suffix => shim.LogEntries(shim.LogPath + suffix))
            .Select(e => int.Parse(((string)e["log"]!)["line-".Length..].TrimEnd('\n')))
            .ToList();
        Assert.Equal(299, numbers[^1]);
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.True(numbers[0] > 0, "the oldest file was dropped");
    }
}
