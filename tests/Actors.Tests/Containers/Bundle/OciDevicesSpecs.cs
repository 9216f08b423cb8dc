using Berth.Actors.Containers;
using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers.Bundle;

/// <summary>docker's device policy in the spec berthd writes: its default rules, --device, --device-cgroup-rule, privileged.</summary>
public sealed class OciDevicesSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ContainerDefinition Def(ContainerSpec s) =>
        new(new string('a', 64), "/t", DateTimeOffset.UnixEpoch, "sha256:x", s with { Process = s.Process with { Command = ["sh"] } }, [], "berth-runtime");

    /// <summary>The spec of the bundle that runs (written at start, with the rootfs mounted).</summary>
    private Spec Starting(ContainerSpec h)
    {
        var rootfs = _dir.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        return OciBundle.Build(Def(h), rootfs, _dir.Path);
    }

    private static List<string> Rules(Spec spec) => spec.Linux!.Resources!.Devices!
        .Select(r => $"{(r.Allow ? "allow" : "deny")} {r.Type ?? "a"} {(r.Major is null or -1 ? "*" : r.Major)}:{(r.Minor is null or -1 ? "*" : r.Minor)} {r.Access}").ToList();

    private static readonly string[] DockerDefaults =
    [
        "deny a *:* rwm", "allow c 1:5 rwm", "allow c 1:3 rwm", "allow c 1:9 rwm", "allow c 1:8 rwm", "allow c 5:0 rwm",
        "deny c 10:229 rwm",
    ];

    [Fact]
    public void An_unprivileged_container_gets_dockers_rules_and_no_host_device_nodes()
    {
        var spec = Starting(new ContainerSpec());
        Assert.Equal(DockerDefaults, Rules(spec));
        Assert.Empty(spec.Linux!.Devices!);
    }

    [Fact]
    public void A_device_mapping_makes_the_host_node_at_its_container_path_and_allows_it_with_its_permissions()
    {
        var spec = Starting(new ContainerSpec { Security = new() { Devices = [new DeviceMapping("/dev/null", "/dev/mynull", "rw")] } });
        var node = Assert.Single(spec.Linux!.Devices!);
        Assert.Equal(("c", "/dev/mynull", 1L, 3L, 0x1b6u /* 0666, the host node's */, 0u, 0u),
            (node.Type, node.Path, node.Major, node.Minor, node.FileMode, node.Uid, node.Gid));
        Assert.Equal([.. DockerDefaults, "allow c 1:3 rw"], Rules(spec));
    }

    [Fact]
    public void A_link_to_a_device_maps_the_device_it_points_to()
    {
        var link = _dir.Combine("null-link");
        File.CreateSymbolicLink(link, "/dev/null");
        var (nodes, rules) = OciDevices.FromPath(link, "/dev/n", "rwm");
        Assert.Equal((1L, 3L, "/dev/n"), (nodes.Single().Major, nodes.Single().Minor, nodes.Single().Path));
        Assert.Equal("c", rules.Single().Type);
    }

    [Fact]
    public async Task A_directory_maps_every_device_node_below_it_at_the_same_place_below_the_container_path()
    {
        var dir = _dir.Combine("devs");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        Assert.Equal(0, (await Run.Program("/bin/mknod", [Path.Combine(dir, "sub", "zero"), "c", "1", "5"])).ExitCode);
        Assert.Equal(0, (await Run.Program("/bin/mknod", [Path.Combine(dir, "null"), "c", "1", "3"])).ExitCode);
        File.WriteAllText(Path.Combine(dir, "file"), "");
        File.CreateSymbolicLink(Path.Combine(dir, "link"), "/dev/full"); // links inside are not followed, as in docker's walk
        var (nodes, rules) = OciDevices.FromPath(dir, "/dev/mine", "r");
        Assert.Equal(["/dev/mine/null", "/dev/mine/sub/zero"], nodes.Select(n => n.Path));
        Assert.Equal(["c 1:3 r", "c 1:5 r"], rules.Select(r => $"{r.Type} {r.Major}:{r.Minor} {r.Access}"));
    }

    [Fact]
    public void A_path_that_holds_no_device_fails_the_start_with_dockers_message()
    {
        var file = _dir.Combine("file");
        File.WriteAllText(file, "");
        var empty = _dir.Combine("empty");
        Directory.CreateDirectory(empty);
        Assert.Equal("error gathering device information while adding custom device \"/dev/berth-nothing\": no such file or directory",
            Assert.Throws<ContainerSpecException>(() => OciDevices.FromPath("/dev/berth-nothing", "/dev/x", "rwm")).Message);
        Assert.Equal($"error gathering device information while adding custom device \"{file}\": not a device node",
            Assert.Throws<ContainerSpecException>(() => OciDevices.FromPath(file, "/dev/x", "rwm")).Message);
        Assert.Equal($"error gathering device information while adding custom device \"{empty}\": not a device node",
            Assert.Throws<ContainerSpecException>(() => OciDevices.FromPath(empty, "/dev/x", "rwm")).Message);
    }

    [Fact]
    public void Only_the_bundle_that_runs_looks_the_devices_up()
    {
        var h = new ContainerSpec { Security = new() { Devices = [new DeviceMapping("/dev/berth-nothing", "/dev/x", "rwm")], DeviceCgroupRules = ["not a rule"] } };
        var atCreate = OciBundle.Build(Def(h), _dir.Combine("not-mounted-yet"), _dir.Path);
        Assert.Equal(DockerDefaults, Rules(atCreate));
        Assert.Throws<ContainerSpecException>(() => Starting(h));
    }

    [Fact]
    public void Device_cgroup_rules_become_allow_rules_after_dockers()
    {
        var spec = Starting(new ContainerSpec { Security = new() { DeviceCgroupRules = ["c 1:11 w", "b 7:* r", "a *:* rwm"] } });
        Assert.Equal([.. DockerDefaults, "allow c 1:11 w", "allow b 7:* r", "allow a *:* rwm"], Rules(spec));
    }

    [Theory]
    [InlineData("x", "invalid device cgroup rule format: 'x'")]
    [InlineData("a", "invalid device cgroup rule format: 'a'")]
    [InlineData("c 1:3 rwx", "invalid device cgroup rule format: 'c 1:3 rwx'")]
    [InlineData("c 99999999999999999999:3 r", "invalid major value in device cgroup rule format: 'c 99999999999999999999:3 r'")]
    [InlineData("c 1:99999999999999999999 r", "invalid minor value in device cgroup rule format: 'c 1:99999999999999999999 r'")]
    public void A_bad_device_cgroup_rule_fails_the_start_with_dockers_message(string rule, string message) =>
        Assert.Equal(message, Assert.Throws<ContainerSpecException>(() => OciDevices.FromCgroupRules([rule])).Message);

    [Fact]
    public void Privileged_allows_every_device_and_adds_mappings_that_move_a_device()
    {
        var spec = Starting(new ContainerSpec { Security = new() { Privileged = true, Devices = [new DeviceMapping("/dev/null", "/dev/mynull", "r")], DeviceCgroupRules = ["c 1:11 w"] } });
        Assert.Equal(["allow a *:* rwm"], Rules(spec));
        Assert.Contains(spec.Linux!.Devices!, d => d.Path == "/dev/null");
        Assert.Contains(spec.Linux.Devices!, d => d.Path == "/dev/mynull" && d.Major == 1 && d.Minor == 3);
    }
}
