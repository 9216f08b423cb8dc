using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>`berth exec --detach-keys` against a real berthd: the keys reach the exec, and bad ones are the daemon's refusal.</summary>
public sealed class ExecDetachKeysSpecs : DaemonSpecs
{
    private readonly string _name = "bkeys-" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var r = await Berth("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox:latest");
        Assert.True(r.ExitCode == 0, r.ToString());
        var run = await Berth("run", "-d", "--name", _name, "busybox", "sleep", "1000");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await Berth("rm", "-f", _name);
        await base.DisposeAsync();
    }

    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

    [Fact]
    public async Task The_detach_keys_of_exec_reach_the_daemon_with_the_exec()
    {
        var r = await Berth("exec", "-d", "--detach-keys", "ctrl-a,x", _name, "sleep", "1000");
        using var http = UnixHttp.Client(Daemon.Socket);
        var execId = JsonDocument.Parse(await http.GetStringAsync($"/containers/{_name}/json")).RootElement.GetProperty("ExecIDs")[0].GetString();
        var exec = JsonDocument.Parse(await http.GetStringAsync($"/exec/{execId}/json")).RootElement;

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Convert.ToBase64String([0x01, (byte)'x']), exec.GetProperty("DetachKeys").GetString());
    }

    [Fact]
    public async Task Unknown_detach_keys_are_refused_by_the_daemon_with_dockers_message()
    {
        var r = await Berth("exec", "--detach-keys", "ctrl-??", _name, "true");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Invalid escape keys (ctrl-??) provided", r.Stderr);
    }
}
