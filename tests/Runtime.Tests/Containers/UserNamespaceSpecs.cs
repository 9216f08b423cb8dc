using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>linux.uidMappings/gidMappings with a new user namespace, compared with runc.</summary>
public sealed class UserNamespaceSpecs : IDisposable
{
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void Id_maps_and_root_inside_match_runc()
    {
        _bundle.AddNamespace("user")
            .With("linux.uidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 100000, "size": 65536 } ]"""))
            .With("linux.gidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 100000, "size": 65536 } ]"""))
            .WithScript(HostGuard.PrintNamespace("user") + "cat /proc/self/uid_map /proc/self/gid_map; id -u; ls -ln /bin/busybox | awk '{print $3}'; grep Cap /proc/self/status");
        var results = new List<CommandResult>();
        foreach (var rt in new[] { OciRuntime.Runc(), OciRuntime.Berth() })
            using (rt)
            {
                _bundle.WithCgroupsPath($"{_bundle.CgroupParent}/{rt.Name}").Write();
                results.Add(rt.Run(_bundle));
            }
        var berth = results[1].ShouldSucceed().Stdout;
        HostGuard.AssertIsolated(berth, "user");
        Assert.Equal(string.Join('\n', results[0].ShouldSucceed().Stdout.Split('\n')[1..]), string.Join('\n', berth.Split('\n')[1..]));
        Assert.Contains("         0     100000      65536\n", berth);
        Assert.Contains("\n0\n65534\n", berth); // root inside; the host-root-owned rootfs shows as overflow uid
    }

    [Fact]
    public void Exec_joins_the_user_namespace_of_the_container()
    {
        _bundle.AddNamespace("user")
            .With("linux.uidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 200000, "size": 65536 } ]"""))
            .With("linux.gidMappings", JsonNode.Parse("""[ { "containerID": 0, "hostID": 200000, "size": 65536 } ]"""))
            .WithArgs("sleep", "30").Write();
        using var berth = OciRuntime.Berth();
        var id = berth.NewId();
        berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        berth.Exec("start", id).ShouldSucceed();
        var r = berth.Exec("exec", id, "sh", "-c", "cat /proc/self/uid_map; id -u").ShouldSucceed();
        Assert.Equal("         0     200000      65536\n0\n", r.Stdout);
    }
}
