using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>Hooks run at their lifecycle points, in their namespaces, with the state JSON on stdin.</summary>
public sealed class HookSpecs : IDisposable
{
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox().WithOutDir();

    public void Dispose()
    {
        _berth.Dispose();
        _bundle.Dispose();
    }

    // Each hook appends "<stage> <uts namespace> <stdin>" to a host file (createContainer and
    // startContainer see the container's /out, the others the host path).
    private JsonObject Hook(string stage, bool inContainer)
    {
        var file = inContainer ? "/out/hooks.log" : Path.Combine(_bundle.OutDir, "hooks.log");
        return new JsonObject
        {
            ["path"] = "/bin/sh",
            ["args"] = new JsonArray("sh", "-c", $"echo \"{stage} $(readlink /proc/self/ns/uts) $(cat)\" >> {file}"),
        };
    }

    [Fact]
    public void Every_hook_runs_once_in_lifecycle_order_with_the_state_on_stdin()
    {
        _bundle.WithArgs("true").With("hooks", new JsonObject
        {
            ["prestart"] = new JsonArray(Hook("prestart", false)),
            ["createRuntime"] = new JsonArray(Hook("createRuntime", false)),
            ["createContainer"] = new JsonArray(Hook("createContainer", false)),
            ["startContainer"] = new JsonArray(Hook("startContainer", true)),
            ["poststart"] = new JsonArray(Hook("poststart", false)),
            ["poststop"] = new JsonArray(Hook("poststop", false)),
        }).Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        _berth.Exec("start", id).ShouldSucceed();
        for (var i = 0; i < 500 && _berth.Status(id) != "stopped"; i++) Thread.Sleep(10);
        _berth.Exec("delete", id).ShouldSucceed();

        var lines = _bundle.Out("hooks.log")!.Trim().Split('\n');
        Assert.Equal(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            lines.Select(l => l.Split(' ')[0]).ToArray());
        var hostUts = HostGuard.HostNamespace("uts");
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            var inContainerNs = parts[0] is "createContainer" or "startContainer";
            Assert.True(inContainerNs != (parts[1] == hostUts), $"{parts[0]} ran in the wrong namespace");
            var state = JsonDocument.Parse(parts[2]).RootElement;
            Assert.Equal(id, state.GetProperty("id").GetString());
            Assert.Equal(_bundle.Dir, state.GetProperty("bundle").GetString());
        }
        Assert.Equal("stopped", JsonDocument.Parse(lines[5].Split(' ', 3)[2]).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void A_hook_that_exceeds_its_timeout_fails_create()
    {
        _bundle.WithArgs("true").With("hooks", JsonNode.Parse("""{ "createRuntime": [ { "path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1 } ] }""")).Write();
        var id = _berth.NewId();
        var r = _berth.Exec("create", "--bundle", _bundle.Dir, id);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("hooks.createRuntime[0] (/bin/sleep) failed: timed out", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_berth.Root, id)));
    }
}
