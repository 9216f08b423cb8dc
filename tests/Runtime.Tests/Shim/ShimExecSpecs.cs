using System.Text.Json;
using Xunit;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>docker exec at the shim: extra processes in a running container, their stdio over the attach socket, their exits.</summary>
[Collection(ShimCollection.Name)]
public sealed class ShimExecSpecs
{
    private static JsonElement Process(string[] args, bool terminal = false) => ShimUnderTest.Process(args, terminal);

    private static string NewExecId() => Guid.NewGuid().ToString("N");

    private static Task<ShimUnderTest> RunningSleeper() => ShimUnderTest.RunningSleeper();

    [Fact]
    public async Task An_exec_streams_both_outputs_and_reports_its_exit_code()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();

        await client.RegisterExecAsync(exec, Process(["sh", "-c", "echo out; echo err >&2; exit 3"]), stdin: false, shim.Timeout);
        await using var attach = await client.AttachAsync(new AttachHeader(false, true, true, ExecId: exec), shim.Timeout);
        var started = await client.StartExecAsync(exec, shim.Timeout);
        var chunks = await shim.ReadToEnd(attach);
        var exit = await client.WaitExecAsync(exec, shim.Timeout);

        Assert.True(started.Pid > 0);
        Assert.Equal("out\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal("err\n", ShimUnderTest.Text(chunks, AttachStream.Stderr));
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal(ShimStatus.Stopped, (await client.ExecStateAsync(exec, shim.Timeout)).Status);
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);
        Assert.Empty(shim.LogEntries()); // exec output stays out of the container's log, as in docker
    }

    [Fact]
    public async Task Exec_stdin_ends_when_the_client_half_closes()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();

        await client.RegisterExecAsync(exec, Process(["cat"]), stdin: true, shim.Timeout);
        await using var attach = await client.AttachAsync(new AttachHeader(true, true, true, ExecId: exec), shim.Timeout);
        await client.StartExecAsync(exec, shim.Timeout);
        await attach.WriteStdinAsync("through cat\n"u8.ToArray(), shim.Timeout);
        attach.CloseStdin();
        var chunks = await shim.ReadToEnd(attach);

        Assert.Equal("through cat\n", ShimUnderTest.Text(chunks, AttachStream.Stdout));
        Assert.Equal(0, (await client.WaitExecAsync(exec, shim.Timeout)).ExitCode);
    }

    [Fact]
    public async Task A_missing_executable_fails_the_start_with_the_runtime_message_and_exit_127()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();

        await client.RegisterExecAsync(exec, Process(["nosuch-binary"]), stdin: false, shim.Timeout);
        var refused = await Assert.ThrowsAsync<ShimException>(() => client.StartExecAsync(exec, shim.Timeout));
        var exit = await client.WaitExecAsync(exec, shim.Timeout);

        Assert.Contains("nosuch-binary", refused.Message);
        Assert.Equal(127, exit.ExitCode);
        Assert.Equal(refused.Message, exit.Error);
        Assert.Equal(ShimStatus.Running, (await client.StateAsync(shim.Timeout)).Status);
    }

    [Fact]
    public async Task A_terminal_exec_gets_a_pty_that_resize_changes()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();

        await client.RegisterExecAsync(exec, Process(["sh", "-c", "read x; stty size"], terminal: true), stdin: true, shim.Timeout);
        await using var attach = await client.AttachAsync(new AttachHeader(true, true, true, ExecId: exec), shim.Timeout);
        await client.StartExecAsync(exec, shim.Timeout);
        await client.ResizeExecAsync(exec, 33, 111, shim.Timeout);
        await attach.WriteStdinAsync("\n"u8.ToArray(), shim.Timeout);
        var text = await shim.ReadUntil(attach, "33 111\r\n");

        Assert.EndsWith("33 111\r\n", text);
        Assert.True((await client.ExecStateAsync(exec, shim.Timeout)).Terminal);
        Assert.Equal(0, (await client.WaitExecAsync(exec, shim.Timeout)).ExitCode);
    }

    [Fact]
    public async Task Resize_of_an_exec_without_terminal_is_refused()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();
        await client.RegisterExecAsync(exec, Process(["true"]), stdin: false, shim.Timeout);

        var refused = await Assert.ThrowsAsync<ShimException>(() => client.ResizeExecAsync(exec, 10, 10, shim.Timeout));

        Assert.Contains("no terminal", refused.Message);
    }

    [Fact]
    public async Task Exec_in_a_container_that_is_not_running_is_refused()
    {
        await using var shim = await ShimUnderTest.Launch(["sleep", "300"]); // created, not started
        await using var client = await shim.Connect();

        var refused = await Assert.ThrowsAsync<ShimException>(() => client.RegisterExecAsync(NewExecId(), Process(["true"]), false, shim.Timeout));

        Assert.Contains("exec needs a running container", refused.Message);
    }

    [Fact]
    public async Task A_running_exec_outlives_its_client_and_is_found_again_like_after_a_daemon_restart()
    {
        await using var shim = await RunningSleeper();
        var exec = NewExecId();
        await using (var first = await shim.Connect())
        {
            await first.RegisterExecAsync(exec, Process(["sh", "-c", "read x; echo got $x; exit 4"]), stdin: true, shim.Timeout);
            await first.StartExecAsync(exec, shim.Timeout);
        }

        await using var again = await shim.Connect();
        var listed = (await again.ListExecsAsync(shim.Timeout)).Single(e => e.ExecId == exec);
        await using var attach = await again.AttachAsync(new AttachHeader(true, true, true, ExecId: exec), shim.Timeout);
        await attach.WriteStdinAsync("late\n"u8.ToArray(), shim.Timeout);
        var text = await shim.ReadUntil(attach, "got late\n");
        var exit = await again.WaitExecAsync(exec, shim.Timeout);

        Assert.Equal(ShimStatus.Running, listed.Status);
        Assert.Equal("sh", listed.Process.GetProperty("args")[0].GetString());
        Assert.Equal("got late\n", text);
        Assert.Equal(4, exit.ExitCode);
    }

    [Fact]
    public async Task A_second_start_of_the_same_exec_is_refused()
    {
        await using var shim = await RunningSleeper();
        await using var client = await shim.Connect();
        var exec = NewExecId();
        await client.RegisterExecAsync(exec, Process(["true"]), stdin: false, shim.Timeout);
        await client.StartExecAsync(exec, shim.Timeout);
        await client.WaitExecAsync(exec, shim.Timeout);

        var refused = await Assert.ThrowsAsync<ShimException>(() => client.StartExecAsync(exec, shim.Timeout));

        Assert.Contains("has already run", refused.Message);
    }
}
