using Berth.Shim.Client;
using Berth.TestSupport;

namespace Berth.Runtime.Tests.Shim;

/// <summary>Containers whose process ends at once (`docker run --rm busybox true`): start and cleanup around a fast exit.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimQuickExitSpecs
{
    [Fact]
    public async Task A_process_that_exits_as_soon_as_it_is_released_starts_every_time_under_berth_runtime()
    {
        // The shim reaps init the moment it exits; `berth-runtime start` must not look the pid up after releasing it.
        for (var i = 0; i < 20; i++)
        {
            await using var shim = ShimUnderTest.Prepare(["true"]);
            await ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments with { Runtime = Repo.Binary("berth-runtime") }, shim.Timeout);

            await shim.Start();

            Assert.Equal(0, (await shim.Wait()).ExitCode);
        }
    }

    [Fact]
    public async Task The_runtime_deletes_the_container_once_it_exits_before_anyone_asks_for_the_shutdown()
    {
        await using var shim = await ShimUnderTest.Launch(["true"]);
        var runtimeState = Path.Combine(shim.RuntimeRoot, shim.Id);
        await shim.Start();
        Assert.Equal(0, (await shim.Wait()).ExitCode);

        // No shutdown request: the shim runs `runtime delete` on its own after the exit.
        while (Directory.Exists(runtimeState)) await Task.Delay(20, shim.Timeout);

        await using var client = await shim.Connect();
        await client.ShutdownAsync(ct: shim.Timeout); // and the shutdown that follows still succeeds
    }
}
