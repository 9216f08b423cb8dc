using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>process.terminal: the pty master goes to the console socket; the container gets the slave as its controlling tty.</summary>
public sealed class ConsoleSpecs : IDisposable
{
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose() => _bundle.Dispose();

    private (string Name, string Output) RunWithTerminal(OciRuntime rt)
    {
        _bundle.WithScript("tty; stty size; ls -l /dev/console | awk '{print $1}'")
            .With("process.terminal", true)
            .With("process.consoleSize", JsonNode.Parse("""{ "height": 30, "width": 100 }"""))
            .WithCgroupsPath($"{_bundle.CgroupParent}/{rt.Name}").Write();
        using var console = new ConsoleSocket();
        var id = rt.NewId();
        rt.Exec("create", "--bundle", _bundle.Dir, "--console-socket", console.Path, id).ShouldSucceed();
        var name = console.Master.Name;
        rt.Exec("start", id).ShouldSucceed();
        var output = console.ReadAll();
        return (name, output);
    }

    [Fact]
    public void The_container_gets_a_sized_controlling_terminal_like_under_runc()
    {
        using var runc = OciRuntime.Runc();
        using var berth = OciRuntime.Berth();
        var (_, runcOut) = RunWithTerminal(runc);
        var (name, berthOut) = RunWithTerminal(berth);
        Assert.Equal("/dev/pts/0\r\n30 100\r\ncrw--w----\r\n", berthOut);
        Assert.Equal(runcOut, berthOut);
        Assert.Equal("/dev/pts/0", name);
    }
}

/// <summary>`exec -t`: an extra process gets its own pty through the console socket.</summary>
public sealed class ExecConsoleSpecs : IDisposable
{
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox("sleep", "30");

    public void Dispose()
    {
        _berth.Dispose();
        _bundle.Dispose();
    }

    [Fact]
    public void Exec_with_a_terminal_sends_a_new_pty_master()
    {
        _bundle.Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        _berth.Exec("start", id).ShouldSucceed();
        using var console = new ConsoleSocket();
        var exec = Task.Run(() => _berth.Exec("exec", "-t", "--console-socket", console.Path, id, "sh", "-c", "tty; echo $$"));
        var output = console.ReadAll();
        Assert.Equal(0, exec.Result.ExitCode);
        var lines = output.Split("\r\n");
        Assert.Equal("/dev/pts/0", lines[0]);
        Assert.NotEqual("1", lines[1]); // not the container's pid 1
    }
}
