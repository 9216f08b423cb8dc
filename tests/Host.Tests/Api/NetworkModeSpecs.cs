namespace Berth.Host.Tests.Api;

/// <summary>
/// docker's default network mode until berth has networks: every `docker run` sends NetworkMode "default" (or "bridge"),
/// and the container runs in a network namespace of its own with only loopback. inspect and ps say so: its one network
/// is named "none", with no address, never a bridge it is not on.
/// </summary>
public sealed class NetworkModeSpecs : SelfHealingDaemon
{
    [Theory]
    [InlineData(null, "default")]
    [InlineData("bridge", "bridge")]
    public async Task Dockers_default_mode_runs_with_only_loopback_and_inspect_and_ps_name_its_network_none(string? network, string mode)
    {
        var name = Name("net");
        string[] flags = network == null ? [] : ["--network", network];
        var interfaces = await Ok(["run", "--name", name, .. flags, "busybox", "cat", "/proc/net/dev"]);

        Assert.Equal(["lo"], Interfaces(interfaces));
        var c = await Inspect(name);
        Assert.Equal(mode, c.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        var networks = c.GetProperty("NetworkSettings").GetProperty("Networks");
        Assert.Equal(["none"], networks.EnumerateObject().Select(n => n.Name));
        Assert.Equal("", networks.GetProperty("none").GetProperty("IPAddress").GetString());
        Assert.Equal("none", await Ok("ps", "-a", "--filter", "name=" + name, "--format", "{{.Networks}}"));
    }

    [Fact]
    public async Task Host_mode_shares_the_hosts_interfaces_and_names_its_network_host()
    {
        var name = Name("hostnet");
        var interfaces = await Ok("run", "--name", name, "--network", "host", "busybox", "cat", "/proc/net/dev");

        Assert.Contains(Interfaces(interfaces), i => i != "lo");
        var networks = (await Inspect(name)).GetProperty("NetworkSettings").GetProperty("Networks");
        Assert.Equal(["host"], networks.EnumerateObject().Select(n => n.Name));
    }

    /// <summary>The interface names of a /proc/net/dev table (two header lines, then "name: counters").</summary>
    private static List<string> Interfaces(string procNetDev) =>
        [.. procNetDev.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(':')[0].Trim())];
}
