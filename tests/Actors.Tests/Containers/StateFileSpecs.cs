using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers;

/// <summary>The files that carry a running container's volatile state across a daemon restart: its health and its execs' specs.</summary>
public sealed class StateFileSpecs : IDisposable
{
    private static readonly DateTimeOffset Run1 = new(2026, 1, 1, 0, 0, 0, 123, TimeSpan.Zero);
    private readonly TempDir _dir = new("berth-test-statefile");

    public void Dispose() => _dir.Dispose();

    private static HealthState Unhealthy => new(HealthStatus.Unhealthy, 4,
        [new HealthProbeResult(Run1.AddSeconds(1), Run1.AddSeconds(1.5), 1, "no\n"), new HealthProbeResult(Run1.AddSeconds(2), Run1.AddSeconds(2.25), -1, "timeout")]);

    [Fact]
    public void The_health_of_a_run_resumes_with_its_status_streak_and_log()
    {
        HealthFile.Save(_dir.Path, Run1, Unhealthy);

        var resumed = HealthFile.Resume(_dir.Path, Run1)!;

        Assert.Equal(HealthStatus.Unhealthy, resumed.Status);
        Assert.Equal(4, resumed.FailingStreak);
        Assert.Equal(Unhealthy.Log, resumed.Log);
    }

    [Fact]
    public void Another_run_missing_or_unreadable_health_starts_over()
    {
        Assert.Null(HealthFile.Resume(_dir.Path, Run1)); // none saved
        HealthFile.Save(_dir.Path, Run1, Unhealthy);
        Assert.Null(HealthFile.Resume(_dir.Path, Run1.AddTicks(1))); // a later run
        Assert.Null(HealthFile.Resume(_dir.Path, null)); // never started
        File.WriteAllText(HealthFile.PathOf(_dir.Path), "{not json");
        Assert.Null(HealthFile.Resume(_dir.Path, Run1));
    }

    [Fact]
    public void An_exec_spec_reads_back_as_written_and_deleting_it_twice_is_fine()
    {
        var spec = new ExecSpec { Cmd = ["sleep", "1"], Env = ["A=1"], User = "nobody:users", WorkingDir = "/tmp", Tty = true, AttachStdin = true, DetachKeys = "ctrl-a,x" };
        var state = _dir.Combine("state");

        ExecSpecFile.Write(state, "e1", spec);
        var read = ExecSpecFile.Read(state, "e1")!;
        ExecSpecFile.Delete(state, "e1");
        ExecSpecFile.Delete(state, "e1");
        ExecSpecFile.Delete(_dir.Combine("gone"), "e1");

        Assert.Equal(spec.Cmd, read.Cmd);
        Assert.Equal(spec.Env, read.Env);
        Assert.Equal(spec with { Cmd = read.Cmd, Env = read.Env }, read);
        Assert.Null(ExecSpecFile.Read(state, "e1"));
    }
}
