using Berth.Host.Api;

namespace Berth.Host.Tests.Api;

/// <summary>docker top's reading of ps output: the PID column finds the container's rows, the command stays whole.</summary>
public sealed class ProcessTableSpecs
{
    private const string Ef = """
        UID          PID    PPID  C STIME TTY          TIME CMD
        root           1       0  0 19:00 ?        00:00:01 /sbin/init
        root        4696    4690 80 20:15 ?        00:00:03 sh -c while true; do :; done
        root        4701    4696  0 20:15 ?        00:00:00 sleep 1000
        """;

    [Fact]
    public void Only_the_containers_pids_are_kept_and_the_command_is_one_column()
    {
        var top = ProcessTable.Parse(Ef, [4696, 4701]);
        Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], top.Titles);
        Assert.Equal(2, top.Processes.Count);
        Assert.Equal("sh -c while true; do :; done", top.Processes[0][^1]);
        Assert.Equal(8, top.Processes[0].Count);
        Assert.Equal("4701", top.Processes[1][1]);
    }

    [Fact]
    public void Thread_rows_follow_the_process_row_they_belong_to()
    {
        const string threads = """
            PID   LWP CMD
            4696    -  sh
              -  4696  -
              1     -  init
              -     1  -
            """;
        var top = ProcessTable.Parse(threads, [4696]);
        Assert.Equal(2, top.Processes.Count);
        Assert.Equal(["-", "4696", "-"], top.Processes[1]);
    }

    [Fact]
    public void Output_without_a_pid_column_is_an_error()
    {
        var e = Assert.Throws<ApiException>(() => ProcessTable.Parse("USER COMMAND\nroot sh\n", [1]));
        Assert.Equal("Couldn't find PID field in ps output", e.Message);
    }

    [Fact]
    public void Renaming_the_pid_column_is_refused_like_dockerd()
    {
        Assert.Null(ProcessTable.Validate("-o pid,comm"));
        Assert.Null(ProcessTable.Validate("-o pid=PID"));
        Assert.Equal("specifying \"user=PID\" is not allowed", ProcessTable.Validate("-o user=PID"));
    }
}
