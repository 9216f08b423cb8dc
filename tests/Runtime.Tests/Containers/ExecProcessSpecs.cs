using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>What an exec'd process gets besides its command: OOM score, and the container's seccomp filter.</summary>
public sealed class ExecProcessSpecs : IDisposable
{
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose() => _bundle.Dispose();

    private string Started(OciRuntime rt)
    {
        _bundle.WithCgroupsPath($"{_bundle.CgroupParent}/{rt.Name}").Write();
        var id = rt.NewId();
        rt.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        rt.Exec("start", id).ShouldSucceed();
        return id;
    }

    private string ProcessFile(string name, string json)
    {
        var path = Path.Combine(_bundle.Dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private const string OomScore = """{ "args": ["cat", "/proc/self/oom_score_adj"], "cwd": "/", "env": ["PATH=/bin"] }""";

    [Fact]
    public void Exec_gets_the_containers_oom_score_like_runc()
    {
        _bundle.WithArgs("sleep", "30").With("process.oomScoreAdj", 100);
        var process = ProcessFile("process.json", OomScore);
        var outputs = new List<string>();
        foreach (var rt in new[] { OciRuntime.Runc(), OciRuntime.Berth() })
            using (rt)
                outputs.Add(rt.Exec("exec", "--process", process, Started(rt)).ShouldSucceed().Stdout);
        Assert.Equal("100\n", outputs[1]);
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public void An_execs_own_oom_score_is_set_inside_a_container_with_its_own_user_and_mount_namespaces()
    {
        // Stage 0 writes the score before it joins the container's namespaces: afterwards /proc is the container's,
        // where a process outside its pid namespace has no /proc/self.
        _bundle.AddNamespace("user")
            .With("linux.uidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 300000, "size": 65536 } ]"""))
            .With("linux.gidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 300000, "size": 65536 } ]"""))
            .WithArgs("sleep", "30").With("process.oomScoreAdj", 100);
        var process = ProcessFile("process.json", OomScore.Replace("\"cwd\"", "\"oomScoreAdj\": 500, \"cwd\""));
        using var berth = OciRuntime.Berth();
        Assert.Equal("500\n", berth.Exec("exec", "--process", process, Started(berth)).ShouldSucceed().Stdout);
    }

    [Fact]
    public void Exec_runs_under_the_containers_seccomp_filter()
    {
        _bundle.WithArgs("sleep", "30").With("linux.seccomp", JsonNode.Parse("""
            { "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
            """));
        using var berth = OciRuntime.Berth();
        var r = berth.Exec("exec", Started(berth), "sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x 2>&1; true").ShouldSucceed();
        Assert.Contains("Seccomp:\t2\n", r.Stdout);
        Assert.Contains("mkdir: can't create directory '/tmp/x': Operation not permitted", r.Stdout);
    }
}
