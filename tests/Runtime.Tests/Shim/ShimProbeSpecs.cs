using Xunit;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>
/// Health probes at the shim: it runs the process in the container, keeps the first 4096 bytes of stdout and stderr
/// together as docker does, reports the exit code, and kills a probe that outlives its timeout.
/// </summary>
[Collection(ShimCollection.Name)]
public sealed class ShimProbeSpecs
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_probe_reports_its_exit_code_with_stdout_and_stderr_together()
    {
        await using var shim = await ShimUnderTest.RunningSleeper();
        await using var client = await shim.Connect();

        var result = await client.ProbeAsync(ShimUnderTest.Process(["sh", "-c", "echo out; echo err >&2; exit 3"]), Generous, shim.Timeout);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal(["err", "out"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task A_probe_keeps_only_the_first_4096_bytes_of_its_output()
    {
        await using var shim = await ShimUnderTest.RunningSleeper();
        await using var client = await shim.Connect();

        var result = await client.ProbeAsync(ShimUnderTest.Process(["sh", "-c", "yes ab | head -c 10000"]), Generous, shim.Timeout);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ProbeResult.MaxOutput, result.Output.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat("ab\n", 10000 / 3)).Substring(0, ProbeResult.MaxOutput), result.Output);
    }

    [Fact]
    public async Task A_probe_that_outlives_its_timeout_is_reported_as_timed_out_and_killed()
    {
        await using var shim = await ShimUnderTest.RunningSleeper();
        await using var client = await shim.Connect();

        var result = await client.ProbeAsync(ShimUnderTest.Process(["sleep", "4242"]), TimeSpan.FromMilliseconds(300), shim.Timeout);

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        // SIGKILL was sent before the answer; its delivery and the reaping take a moment, so poll (bounded by the hang guard).
        while (ProbeProcesses("4242").Any()) await Task.Delay(20, shim.Timeout);
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);
    }

    [Fact]
    public async Task A_probe_that_cannot_start_fails_with_the_runtimes_message()
    {
        await using var shim = await ShimUnderTest.RunningSleeper();
        await using var client = await shim.Connect();

        var result = await client.ProbeAsync(ShimUnderTest.Process(["nosuch-binary"]), Generous, shim.Timeout);

        Assert.Equal(-1, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Contains("nosuch-binary", result.Output);
    }

    /// <summary>Live processes on the host whose command line is `sleep <paramref name="arg"/>` (zombies have none).</summary>
    private static IEnumerable<int> ProbeProcesses(string arg)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            if (cmdline == $"sleep\0{arg}\0") yield return pid;
        }
    }
}
