using Xunit;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>berth-shim running real containers under runc: output, exit status, survival, failures.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimLifecycleSpecs
{
    [Fact]
    public async Task Echo_output_reaches_the_json_file_log_and_an_attach_client()
    {
        await using var shim = await ShimUnderTest.Launch(["echo", "hi"]);
        await using var attach = await shim.Attach();
        await shim.Start();

        var chunks = await shim.ReadToEnd(attach);
        var exit = await shim.Wait();

        Assert.Equal("hi\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(0, exit.ExitCode);
        var entry = Assert.Single(shim.LogEntries());
        Assert.Equal("hi\n", (string?)entry["log"]);
        Assert.Equal("stdout", (string?)entry["stream"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", (string?)entry["time"]);
    }

    [Fact]
    public async Task The_exit_file_records_the_exit_code_when_nobody_is_connected()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "exit 7"], waitForStart: false);

        var exit = await shim.ExitFileWhenWritten();

        Assert.Equal(7, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.False(exit.OomKilled);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", exit.FinishedAt);
    }

    [Fact]
    public async Task A_container_killed_by_a_signal_reports_the_signal_and_128_plus_it()
    {
        await using var shim = await ShimUnderTest.Launch(["sleep", "1000"], waitForStart: false);
        await using var client = await shim.Connect();
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);

        await client.KillAsync(9, ct: shim.Timeout);
        var exit = await client.WaitAsync(shim.Timeout);

        Assert.Equal(9, exit.Signal);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(137, (await shim.ExitFileWhenWritten()).ExitCode);
        Assert.Equal(ShimStatus.Stopped, (await client.StateAsync(shim.Timeout)).Status);
    }

    [Fact]
    public async Task Kill_all_signals_every_process_of_the_container_not_just_init()
    {
        // init (sh, pid 1 of its namespace) ignores TERM; its child sleep does not, and sh reports that.
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "sleep 1000 & wait $!; echo sleep-ended; exit 4"], waitForStart: false);
        await using var client = await shim.Connect();
        await using var attach = await shim.Attach();

        await client.KillAsync(15, all: true, ct: shim.Timeout);
        var chunks = await shim.ReadToEnd(attach);

        Assert.Equal("sleep-ended\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(4, (await client.WaitAsync(shim.Timeout)).ExitCode);
    }

    [Fact]
    public async Task An_out_of_memory_kill_is_reported_in_the_exit_file()
    {
        await using var shim = ShimUnderTest.Prepare(["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"],
            waitForStart: false,
            edit: config => config["linux"]!["resources"]!["memory"] = new JsonObject { ["limit"] = 16 << 20, ["swap"] = 16 << 20 });
        await ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments, shim.Timeout);

        var exit = await shim.ExitFileWhenWritten();

        Assert.True(exit.OomKilled);
        Assert.Equal(137, exit.ExitCode);
        Assert.DoesNotContain("survived", File.ReadAllText(shim.LogPath));
    }

    [Fact]
    public async Task The_container_survives_kill_9_of_the_process_that_started_the_shim()
    {
        await using var shim = ShimUnderTest.Prepare(["sleep", "1000"], waitForStart: false);
        var shimCommand = string.Join(' ', new[] { ShimUnderTest.ShimBinary }.Concat(shim.Arguments.ToArgv()).Select(a => $"'{a}'"));
        using var starter = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", shimCommand + "; exec sleep 1000"])
            { RedirectStandardOutput = true })!;
        var ready = await starter.StandardOutput.ReadLineAsync(shim.Timeout);
        Assert.Contains("\"ok\":true", ready);

        starter.Kill(); // SIGKILL, by PID
        await starter.WaitForExitAsync(shim.Timeout);

        await using var client = await shim.Connect();
        var state = await client.StateAsync(shim.Timeout);
        Assert.Equal(ShimStatus.Running, state.Status);
        Assert.True(Directory.Exists($"/proc/{state.Pid}"));
        Assert.Equal(state.ShimPid, Stat(state.ShimPid).Session); // detached into its own session
        Assert.Equal(state.ShimPid, Stat(state.Pid).Parent);     // subreaper: the container init is its child
        await client.KillAsync(9, ct: shim.Timeout); // init of a pid namespace ignores signals it has no handler for
        var exit = await client.WaitAsync(shim.Timeout);
        Assert.Equal(9, exit.Signal);
    }

    [Fact]
    public async Task A_missing_executable_fails_with_the_runtimes_message_and_exit_code_127()
    {
        await using var shim = ShimUnderTest.Prepare(["/no/such/program"]);

        var failure = await Assert.ThrowsAsync<ShimLaunchException>(
            () => ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments, shim.Timeout));

        Assert.Contains("no such file or directory", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(127, failure.ExitCode);
        var exit = await shim.ExitFileWhenWritten();
        Assert.Equal(127, exit.ExitCode);
        Assert.Equal(failure.Message, exit.Error);
        Assert.False(Directory.Exists(Path.Combine(shim.RuntimeRoot, shim.Id)));
    }

    [Fact]
    public async Task An_executable_missing_from_PATH_maps_to_127_too()
    {
        await using var shim = ShimUnderTest.Prepare(["nosuchcommand"]);

        var failure = await Assert.ThrowsAsync<ShimLaunchException>(
            () => ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments, shim.Timeout));

        Assert.Contains("executable file not found in $PATH", failure.Message);
        Assert.Equal(127, failure.ExitCode);
    }

    [Fact]
    public async Task A_log_path_that_cannot_be_opened_fails_before_a_container_exists()
    {
        await using var shim = ShimUnderTest.Prepare(["true"]);
        var arguments = shim.Arguments with { LogPath = Path.Combine(shim.Root, "no-such-dir", "c.log") };

        var failure = await Assert.ThrowsAsync<ShimLaunchException>(
            () => ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, arguments, shim.Timeout));

        Assert.Contains("cannot open the container log", failure.Message);
        Assert.False(Directory.Exists(Path.Combine(shim.RuntimeRoot, shim.Id)));
    }

    [Fact]
    public async Task A_runtime_that_does_not_exist_is_named_in_the_launch_error()
    {
        await using var shim = ShimUnderTest.Prepare(["true"]);
        var arguments = shim.Arguments with { Runtime = "/no/such/oci-runtime" };

        var failure = await Assert.ThrowsAsync<ShimLaunchException>(
            () => ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, arguments, shim.Timeout));

        Assert.Contains("/no/such/oci-runtime", failure.Message);
    }

    [Fact]
    public async Task Shutdown_deletes_the_container_and_ends_the_shim()
    {
        await using var shim = await ShimUnderTest.Launch(["true"], waitForStart: false);
        await using var client = await shim.Connect();
        await client.WaitAsync(shim.Timeout);
        var shimPid = shim.ShimPid()!.Value;

        await client.ShutdownAsync(ct: shim.Timeout);

        Assert.False(Directory.Exists(Path.Combine(shim.RuntimeRoot, shim.Id)));
        Assert.False(File.Exists(shim.Arguments.Paths.ControlSocket));
        await WaitUntilGone(shimPid, shim.Timeout);
    }

    [Fact]
    public async Task Shutdown_refuses_a_running_container_unless_forced()
    {
        await using var shim = await ShimUnderTest.Launch(["sleep", "1000"], waitForStart: false);
        await using var client = await shim.Connect();

        var refused = await Assert.ThrowsAsync<ShimException>(() => client.ShutdownAsync(ct: shim.Timeout));
        Assert.Contains("running", refused.Message);
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);

        await client.ShutdownAsync(force: true, ct: shim.Timeout);
        Assert.False(Directory.Exists(Path.Combine(shim.RuntimeRoot, shim.Id)));
    }

    [Fact]
    public async Task A_relaunch_in_the_same_state_directory_forgets_the_previous_exit()
    {
        await using var shim = await ShimUnderTest.Launch(["sh", "-c", "echo run; exit 3"], waitForStart: false);
        await using (var first = await shim.Connect())
        {
            Assert.Equal(3, (await first.WaitAsync(shim.Timeout)).ExitCode);
            await first.ShutdownAsync(ct: shim.Timeout);
        }

        await ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments with { WaitForStart = true }, shim.Timeout);
        await using var second = await shim.Connect();

        Assert.False(File.Exists(shim.Arguments.ExitFilePath));
        Assert.Equal(ShimStatus.Created, (await second.StateAsync(shim.Timeout)).Status);
        await second.StartAsync(shim.Timeout);
        Assert.Equal(3, (await second.WaitAsync(shim.Timeout)).ExitCode);
        Assert.Equal(["run\n", "run\n"], shim.LogEntries().Select(e => (string)e["log"]!));
    }

    [Fact]
    public async Task A_second_shim_refuses_a_state_directory_whose_shim_is_alive()
    {
        await using var shim = await ShimUnderTest.Launch(["sleep", "1000"], waitForStart: false);

        var refused = await Assert.ThrowsAsync<ShimLaunchException>(
            () => ShimLauncher.LaunchAsync(ShimUnderTest.ShimBinary, shim.Arguments, shim.Timeout));

        Assert.Contains("another berth-shim", refused.Message);
        await using var client = await shim.Connect();
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);
    }

    /// <summary>Parent pid and session id from /proc/pid/stat (fields 4 and 6).</summary>
    private static (int Parent, int Session) Stat(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1]), int.Parse(fields[3]));
    }

    /// <summary>The shim is not our child (it detached), so its exit shows as its /proc entry turning into a zombie or vanishing.</summary>
    private static async Task WaitUntilGone(int pid, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", ct);
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z')) return;
            }
            catch (IOException)
            {
                return;
            }
            await Task.Delay(20, ct);
        }
    }
}

/// <summary>Kernel tests of the shim run one at a time: the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ShimCollection
{
    public const string Name = "berth-shim";
}
