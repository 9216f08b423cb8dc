using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Host devices through the real docker CLI: a container reaches only docker's default devices, what --device and
/// --device-cgroup-rule grant, or everything when privileged. The host devices are loop devices the spec makes over
/// files it owns, so a read shows the file's secret and a write shows in the file.
/// </summary>
public sealed class DeviceSpecs : ContainerSpecs
{
    private const string Refused = "Operation not permitted";
    private readonly LoopDevice _loop = LoopDevice.Create();
    private readonly LoopDevice _other = LoopDevice.Create();

    public override async ValueTask DisposeAsync()
    {
        try { await base.DisposeAsync(); }
        finally
        {
            _loop.Dispose();
            _other.Dispose();
        }
    }

    /// <summary>Shell: mknod a node for the device, read its head, write one byte at offset 0; each result on its own line.</summary>
    private static string ReadAndWrite(string node, LoopDevice d, bool mknod = true) =>
        (mknod ? $"busybox mknod {node} b {d.Major} {d.Minor} && echo made; " : "") +
        $"head -c {d.Secret.Length} {node} 2>&1; echo; printf X | busybox dd of={node} conv=notrunc 2>&1 | grep -v records || true; ";

    [Fact]
    public async Task A_container_cannot_read_or_write_a_host_loop_device_it_makes_with_mknod()
    {
        var output = await Ok("run", "--rm", "busybox", "sh", "-c", ReadAndWrite("/dev/l", _loop));
        Assert.StartsWith("made\n", output); // CAP_MKNOD and docker's "c/b *:* m" allow the node itself
        Assert.DoesNotContain(_loop.Secret, output);
        Assert.Equal(2, output.Split(Refused).Length - 1);
        Assert.True(_loop.Untouched);
    }

    /// <summary>mknod each device, then open it for reading and for writing; prints "name read|write ok|&lt;error&gt;".</summary>
    private const string CharProbe = """
        check() { label=$1; shift; if out=$("$@" 2>&1); then echo "$label ok"; else echo "$label ${out##*: }"; fi; }
        char() { busybox mknod /dev/p-$1 c $2 $3; check "$1 read" sh -c "exec 3</dev/p-$1"; check "$1 write" sh -c "exec 3>/dev/p-$1"; }
        char tty0 4 0; char console 5 1; char kmsg 1 11; char vcs 7 0; char vcsa 7 128; char fuse 10 229; char tun 10 200; char null 1 3
        """;

    [Fact]
    public async Task Host_consoles_the_kernel_log_and_fuse_are_refused_exactly_as_dockerd_refuses_them()
    {
        var output = await Ok("run", "--rm", "busybox", "sh", "-c", CharProbe);
        foreach (var device in new[] { "tty0", "console", "kmsg", "vcs", "vcsa", "fuse" })
            Assert.Contains($"{device} read {Refused}\n{device} write {Refused}\n", output);
        Assert.Contains("null read ok\nnull write ok\n", output);

        // dockerd's own policy (its config.json plus runc's defaults) is the anchor for the rest: berthd allows and refuses
        // exactly what it does, but for the host console (c 5:1), which dockerd allows and berth deliberately refuses.
        using var dockerd = PrivateDockerd.Start();
        dockerd.Docker("import", "-c", "CMD [\"sh\"]", Rootfs, "busybox");
        var anchor = dockerd.Docker("run", "--rm", "--network", "none", "busybox", "sh", "-c", CharProbe);
        Assert.Contains("console read ok\nconsole write ok\n", anchor);
        Assert.Equal(anchor.Replace("console read ok\nconsole write ok\n", $"console read {Refused}\nconsole write {Refused}\n"), output);
    }

    [Fact]
    public async Task The_device_flag_grants_that_device_and_no_other()
    {
        var output = await Ok("run", "--rm", "--device", _loop.Path, "busybox", "sh", "-c",
            ReadAndWrite(_loop.Path, _loop, mknod: false) + ReadAndWrite("/dev/other", _other));
        Assert.StartsWith(_loop.Secret + "\n", output);
        Assert.Equal("X", _loop.Head()[..1]);
        Assert.DoesNotContain(_other.Secret, output);
        Assert.Equal(2, output.Split(Refused).Length - 1);
        Assert.True(_other.Untouched);
    }

    [Fact]
    public async Task A_device_mapped_read_only_is_read_at_its_container_path_but_not_written()
    {
        var output = await Ok("run", "--rm", "--device", $"{_loop.Path}:/dev/xvdc:r", "busybox", "sh", "-c",
            "ls /dev; " + ReadAndWrite("/dev/xvdc", _loop, mknod: false));
        Assert.Contains("\nxvdc\n", output);
        Assert.DoesNotContain(Path.GetFileName(_loop.Path), output);
        Assert.Contains(_loop.Secret + "\n", output);
        Assert.Contains(Refused, output);
        Assert.True(_loop.Untouched);
    }

    [Fact]
    public async Task A_device_cgroup_rule_grants_what_it_says()
    {
        var output = await Ok("run", "--rm", "--device-cgroup-rule", $"b {_loop.Major}:{_loop.Minor} r", "busybox", "sh", "-c",
            ReadAndWrite("/dev/l", _loop) + ReadAndWrite("/dev/other", _other));
        Assert.StartsWith($"made\n{_loop.Secret}\n", output);
        Assert.DoesNotContain(_other.Secret, output);
        Assert.Equal(3, output.Split(Refused).Length - 1); // the write of the granted device, the read and write of the other
        Assert.True(_loop.Untouched);
        Assert.True(_other.Untouched);

        var wildcard = await Ok("run", "--rm", "--device-cgroup-rule", $"b {_loop.Major}:* rw", "busybox", "sh", "-c",
            ReadAndWrite("/dev/l", _loop) + ReadAndWrite("/dev/other", _other));
        Assert.DoesNotContain(Refused, wildcard);
        Assert.Contains(_other.Secret, wildcard);
        Assert.Equal("X", _other.Head()[..1]);
    }

    [Fact]
    public async Task Privileged_containers_reach_every_host_device()
    {
        var output = await Ok("run", "--rm", "--privileged", "busybox", "sh", "-c",
            ReadAndWrite(_loop.Path, _loop, mknod: false) + ReadAndWrite("/dev/other", _other) + "exec 3>/dev/kmsg && echo kmsg-writable");
        Assert.DoesNotContain(Refused, output);
        Assert.Contains(_loop.Secret, output);
        Assert.Contains(_other.Secret, output);
        Assert.Contains("kmsg-writable", output);
        Assert.Equal("X", _loop.Head()[..1]);
        Assert.Equal("X", _other.Head()[..1]);
    }

    [Fact]
    public async Task Inspect_shows_devices_and_device_cgroup_rules_as_docker_does()
    {
        var plain = (await Ok("create", "busybox", "true")).Trim();
        var mapped = (await Ok("create", "--device", $"{_loop.Path}:/dev/xvdc:r", "--device", _other.Path,
            "--device-cgroup-rule", "b 7:* r", "--device-cgroup-rule", "c 1:11 w", "busybox", "true")).Trim();

        using var inspect = JsonDocument.Parse(await Ok("inspect", plain, mapped));
        var p = inspect.RootElement[0].GetProperty("HostConfig");
        Assert.Equal(JsonValueKind.Array, p.GetProperty("Devices").ValueKind);
        Assert.Equal(0, p.GetProperty("Devices").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("DeviceCgroupRules").ValueKind);

        var m = inspect.RootElement[1].GetProperty("HostConfig");
        Assert.Equal(
            $"[{{\"PathOnHost\":\"{_loop.Path}\",\"PathInContainer\":\"/dev/xvdc\",\"CgroupPermissions\":\"r\"}}," +
            $"{{\"PathOnHost\":\"{_other.Path}\",\"PathInContainer\":\"{_other.Path}\",\"CgroupPermissions\":\"rwm\"}}]",
            JsonSerializer.Serialize(m.GetProperty("Devices")));
        Assert.Equal("[\"b 7:* r\",\"c 1:11 w\"]", JsonSerializer.Serialize(m.GetProperty("DeviceCgroupRules")));
    }

    [Fact]
    public async Task A_device_that_is_not_there_fails_the_start_with_dockers_message()
    {
        // The docker CLI picks the exit code from the message: 127 for "no such file or directory", 125 otherwise.
        var r = await Docker("run", "--rm", "--device", "/dev/berth-no-such-device", "busybox", "true");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("error gathering device information while adding custom device \"/dev/berth-no-such-device\": no such file or directory", r.Stderr);

        var file = Dir.Combine("not-a-device");
        File.WriteAllText(file, "");
        r = await Docker("run", "--rm", "--device", file, "busybox", "true");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains($"error gathering device information while adding custom device \"{file}\": not a device node", r.Stderr);
    }
}
