using System.Text.Json;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>create, start, state, kill, delete, list, pause, resume, ps: the OCI lifecycle through the CLI.</summary>
public sealed class LifecycleSpecs : IDisposable
{
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox().WithOutDir();

    public void Dispose()
    {
        _berth.Dispose();
        _bundle.Dispose();
    }

    private string Create(OciRuntime rt, string script, params string[] extra)
    {
        _bundle.WithScript(script).Write();
        var id = rt.NewId();
        rt.Exec(["create", "--bundle", _bundle.Dir, .. extra, id]).ShouldSucceed();
        return id;
    }

    [Fact]
    public void Create_stops_before_the_user_program_and_start_releases_it()
    {
        var id = Create(_berth, "echo started > /out/started; sleep 30");
        Assert.Equal("created", _berth.Status(id));
        // The process is still our init, blocked on the exec fifo: the user program has not been exec'd.
        var pid = JsonDocument.Parse(_berth.State(id)).RootElement.GetProperty("pid").GetInt32();
        Assert.Equal("/memfd:berth-runtime-init (deleted)", new FileInfo($"/proc/{pid}/exe").LinkTarget);
        Assert.Null(_bundle.Out("started"));

        _berth.Exec("start", id).ShouldSucceed();
        Assert.Equal("started\n", _bundle.WaitForOut("started"));
        Assert.Equal("running", _berth.Status(id));
    }

    [Fact]
    public void State_reports_the_oci_fields_with_the_init_pid()
    {
        var pidFile = Path.Combine(_bundle.Dir, "pid");
        var id = Create(_berth, "sleep 30", "--pid-file", pidFile);
        var state = JsonDocument.Parse(_berth.State(id)).RootElement;
        Assert.Equal(id, state.GetProperty("id").GetString());
        Assert.Equal(_bundle.Dir, state.GetProperty("bundle").GetString());
        Assert.StartsWith("1.", state.GetProperty("ociVersion").GetString());
        var pid = state.GetProperty("pid").GetInt32();
        Assert.Equal(pid.ToString(), File.ReadAllText(pidFile));
        Assert.True(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public void The_lifecycle_states_match_runc()
    {
        using var runc = OciRuntime.Runc();
        var sequences = new List<string>();
        foreach (var rt in new[] { runc, _berth })
        {
            _bundle.WithCgroupsPath($"{_bundle.CgroupParent}/{rt.Name}");
            var id = Create(rt, "sleep 30");
            var seen = new List<string> { rt.Status(id) };
            rt.Exec("start", id).ShouldSucceed();
            seen.Add(rt.Status(id));
            rt.Exec("kill", id, "KILL").ShouldSucceed();
            for (var i = 0; i < 500 && rt.Status(id) != "stopped"; i++) Thread.Sleep(10);
            seen.Add(rt.Status(id));
            rt.Exec("delete", id).ShouldSucceed();
            seen.Add(rt.Exec("state", id).ExitCode == 0 ? "exists" : "gone");
            sequences.Add(string.Join(",", seen));
        }
        Assert.Equal("created,running,stopped,gone", sequences[1]);
        Assert.Equal(sequences[0], sequences[1]);
    }

    [Fact]
    public void Delete_removes_the_cgroup_and_the_state_directory()
    {
        var id = Create(_berth, "sleep 30");
        Assert.NotEmpty(HostCgroups.Existing(_bundle.CgroupParent + "/ctr"));
        _berth.Exec("delete", "-f", id).ShouldSucceed();
        Assert.Empty(HostCgroups.Existing(_bundle.CgroupParent + "/ctr"));
        Assert.False(Directory.Exists(Path.Combine(_berth.Root, id)));
        Assert.Empty(HostMounts.Below(_bundle.Dir));
    }

    [Fact]
    public void Kill_all_reaches_every_process_in_the_cgroup()
    {
        var id = Create(_berth, "sleep 100 & sleep 100 & echo forked > /out/forked; wait");
        _berth.Exec("start", id).ShouldSucceed();
        _bundle.WaitForOut("forked");
        var pids = JsonSerializer.Deserialize<int[]>(_berth.Exec("ps", "--format", "json", id).ShouldSucceed().Stdout)!;
        Assert.Equal(3, pids.Length);
        _berth.Exec("kill", "--all", id, "SIGKILL").ShouldSucceed();
        for (var i = 0; i < 500 && pids.Any(p => Directory.Exists($"/proc/{p}") && !File.ReadAllText($"/proc/{p}/stat").Contains(") Z")); i++)
            Thread.Sleep(10);
        Assert.Equal("stopped", _berth.Status(id));
    }

    [Fact]
    public void Pause_freezes_and_resume_thaws_the_container()
    {
        var id = Create(_berth, "while true; do date +%s%N > /out/tick; sleep 0.05; done");
        _berth.Exec("start", id).ShouldSucceed();
        _bundle.WaitForOut("tick");
        _berth.Exec("pause", id).ShouldSucceed();
        Assert.Equal("paused", _berth.Status(id));
        var frozen = _bundle.Out("tick");
        Thread.Sleep(300);
        Assert.Equal(frozen, _bundle.Out("tick"));
        _berth.Exec("resume", id).ShouldSucceed();
        Assert.Equal("running", _berth.Status(id));
        for (var i = 0; i < 300 && _bundle.Out("tick") == frozen; i++) Thread.Sleep(10);
        Assert.NotEqual(frozen, _bundle.Out("tick"));
    }

    [Fact]
    public void List_shows_every_container_with_its_status()
    {
        var a = Create(_berth, "sleep 30");
        _bundle.WithCgroupsPath(_bundle.CgroupParent + "/second");
        var b = Create(_berth, "sleep 30");
        _berth.Exec("start", b).ShouldSucceed();
        var list = JsonDocument.Parse(_berth.Exec("list", "--format", "json").ShouldSucceed().Stdout).RootElement;
        var byId = list.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("status").GetString());
        Assert.Equal("created", byId[a]);
        Assert.Equal("running", byId[b]);
    }

    [Fact]
    public void Run_returns_the_exit_code_and_leaves_nothing_behind()
    {
        _bundle.WithScript("echo out; exit 7").Write();
        var id = _berth.NewId();
        var r = _berth.Exec("run", "--bundle", _bundle.Dir, id);
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_berth.Root, id)));
        Assert.Empty(HostCgroups.Existing(_bundle.CgroupParent + "/ctr"));
    }

    [Fact]
    public void Exec_runs_a_process_inside_the_running_container()
    {
        _bundle.With("hostname", "exec-target");
        var id = Create(_berth, "echo $$ > /out/ready; sleep 30");
        _berth.Exec("start", id).ShouldSucceed();
        _bundle.WaitForOut("ready");
        var r = _berth.Exec("exec", id, "sh", "-c", "hostname; grep pids /proc/self/cgroup; tr '\\0' ' ' < /proc/1/cmdline; echo; exit 5");
        Assert.Equal(5, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("exec-target", lines[0]);
        Assert.EndsWith(_bundle.CgroupParent + "/ctr", lines[1]);
        Assert.Equal("sleep 30 ", lines[2]); // pid 1 is the container's process (sh exec'd its last command)
    }

    [Fact]
    public void Exec_with_a_process_file_uses_its_user_and_env()
    {
        var id = Create(_berth, "sleep 30");
        _berth.Exec("start", id).ShouldSucceed();
        var processFile = Path.Combine(_bundle.Dir, "process.json");
        File.WriteAllText(processFile, """
            { "args": ["sh", "-c", "id -u; echo $GREETING"], "cwd": "/tmp", "env": ["GREETING=hello", "PATH=/bin"], "user": { "uid": 1000, "gid": 1000 } }
            """);
        var r = _berth.Exec("exec", "--process", processFile, id).ShouldSucceed();
        Assert.Equal("1000\nhello\n", r.Stdout);
    }
}
