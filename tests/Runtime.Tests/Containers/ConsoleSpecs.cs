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
