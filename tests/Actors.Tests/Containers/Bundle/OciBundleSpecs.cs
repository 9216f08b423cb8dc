using Berth.Actors.Containers;
using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;
using Berth.TestSupport;

namespace Berth.Actors.Tests.Containers.Bundle;

/// <summary>The OCI spec a container's HostConfig turns into, and the files berthd writes for it.</summary>
public sealed class OciBundleSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ContainerDefinition Def(ContainerSpec s) =>
        new(new string('a', 64), "/t", DateTimeOffset.UnixEpoch, "sha256:x", s with { Process = s.Process with { Command = ["sh"] } }, [], "berth-runtime");

    [Fact]
    public void Resources_carry_memory_cpu_and_pids_limits()
    {
        var r = OciResources.Build(new() { Memory = 64L << 20, MemorySwap = 128L << 20, NanoCpus = 1_500_000_000, CpuShares = 512, PidsLimit = 42 })!;
        Assert.Equal(64L << 20, r.Memory!.Limit);
        Assert.Equal(128L << 20, r.Memory.Swap);
        Assert.Equal(150_000, r.Cpu!.Quota);
        Assert.Equal(100_000UL, r.Cpu.Period);
        Assert.Equal(512UL, r.Cpu.Shares);
        Assert.Equal(42, r.Pids!.Limit);
        Assert.Null(OciResources.Build(new() { PidsLimit = -1 }));
    }

    [Fact]
    public void Privileged_has_every_capability_no_masked_paths_a_writable_sys_and_host_devices()
    {
        var spec = OciBundle.Build(Def(new ContainerSpec { Security = new() { Privileged = true } }), _dir.Combine("rootfs"), _dir.Path);
        Assert.Equal(OciSecurity.AllCapabilities, spec.Process!.Capabilities!.Bounding);
        Assert.Empty(spec.Linux!.MaskedPaths!);
        Assert.Empty(spec.Linux.ReadonlyPaths!);
        Assert.DoesNotContain("ro", spec.Mounts!.Single(m => m.Destination == "/sys").Options!);
        Assert.Contains(spec.Linux.Devices!, d => d.Path == "/dev/null" && d.Major == 1 && d.Minor == 3);
        Assert.True(spec.Linux.Resources!.Devices!.Single().Allow);
    }

    [Fact]
    public void Binds_tmpfs_etc_files_and_the_init_are_mounted_parents_first()
    {
        var h = new ContainerSpec
        {
            Mounts = new() { Binds = ["/tmp:/data/inner:ro", "/var:/data"], Tmpfs = new Dictionary<string, string> { ["/scratch"] = "size=1m,exec" } },
            Resources = new() { ShmSize = 8L << 20 },
            Process = new() { Init = true },
        };
        var spec = OciBundle.Build(Def(h), _dir.Combine("rootfs"), _dir.Path, initBinary: "/opt/berth-init");
        var m = spec.Mounts!;
        Assert.True(m.FindIndex(x => x.Destination == "/data") < m.FindIndex(x => x.Destination == "/data/inner"));
        Assert.Equal(["rbind", "rprivate", "ro"], m.Single(x => x.Destination == "/data/inner").Options);
        Assert.Equal(["exec", "nosuid", "nodev", "size=1m"], m.Single(x => x.Destination == "/scratch").Options);
        Assert.Contains("size=8192k", m.Single(x => x.Destination == "/dev/shm").Options!);
        Assert.Equal(EtcFiles.Hosts(_dir.Path), m.Single(x => x.Destination == "/etc/hosts").Source);
        Assert.Equal("/opt/berth-init", m.Single(x => x.Destination == "/sbin/docker-init").Source);
        Assert.Equal(["/sbin/docker-init", "--", "sh"], spec.Process!.Args);
    }

    [Fact]
    public void A_user_bind_on_etc_hosts_replaces_dockers_own()
    {
        var spec = OciBundle.Build(Def(new ContainerSpec { Mounts = new() { Binds = ["/etc/hosts:/etc/hosts:ro"] } }), _dir.Combine("rootfs"), _dir.Path);
        Assert.Equal("/etc/hosts", spec.Mounts!.Single(x => x.Destination == "/etc/hosts").Source);
    }

    [Fact]
    public void Resolv_conf_takes_dns_search_and_options_and_drops_loopback_resolvers()
    {
        const string host = "nameserver 127.0.0.53\nsearch corp\noptions edns0\n";
        Assert.Equal("search corp\noptions edns0\nnameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n",
            EtcFiles.ResolvContent(host, new(), hostNetwork: false));
        Assert.Equal("search a.example b.example\noptions ndots:2\nnameserver 1.1.1.1\n",
            EtcFiles.ResolvContent(host, new() { Dns = ["1.1.1.1"], DnsSearch = ["a.example", "b.example"], DnsOptions = ["ndots:2"] }, hostNetwork: false));
        Assert.Contains("nameserver 127.0.0.53", EtcFiles.ResolvContent(host, new(), hostNetwork: true));
    }

    [Fact]
    public void Hosts_has_dockers_defaults_then_the_extra_hosts()
    {
        var hosts = EtcFiles.HostsContent(["db:10.0.0.5", "v6:[::1]"], null);
        Assert.StartsWith("127.0.0.1\tlocalhost\n", hosts);
        Assert.EndsWith("10.0.0.5\tdb\n::1\tv6\n", hosts);
    }

    [Fact]
    public void Users_resolve_by_name_from_the_rootfs_with_supplementary_groups()
    {
        var root = _dir.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\n");
        var app = ContainerUser.Resolve(root, "app");
        Assert.Equal((1000u, 1000u, "/home/app"), (app.User.Uid, app.User.Gid, app.Home));
        Assert.Equal([10u], app.User.AdditionalGids);
        var mixed = ContainerUser.Resolve(root, "app:wheel");
        Assert.Equal((1000u, 10u), (mixed.User.Uid, mixed.User.Gid));
        Assert.Equal((4242u, 7u), (ContainerUser.Resolve(root, "4242:7").User.Uid, ContainerUser.Resolve(root, "4242:7").User.Gid));
        Assert.Equal("unable to find user nobody2: no matching entries in passwd file", Assert.Throws<ContainerUserException>(() => ContainerUser.Resolve(root, "nobody2")).Message);
        Assert.Equal("unable to find group staff: no matching entries in group file", Assert.Throws<ContainerUserException>(() => ContainerUser.Resolve(root, "app:staff")).Message);
    }

    [Fact]
    public void A_docker_seccomp_profile_becomes_the_oci_profile_for_this_architecture()
    {
        const string profile = """
            {"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]},
             {"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],
             "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1},
                         {"names":["reboot"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_BOOT"]}}]}
            """;
        var s = DockerSeccomp.Parse(profile);
        Assert.Equal("SCMP_ACT_ALLOW", s.DefaultAction);
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
            Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], s.Architectures);
        Assert.Equal(["mkdir", "mkdirat"], Assert.Single(s.Syscalls!).Names);
    }

    [Fact]
    public void Log_rotation_comes_from_the_container_then_the_daemon_then_10m_by_3()
    {
        Assert.Equal(new Berth.Shim.Logging.LogRotation(1024 * 1024, 2),
            LogDriver.Rotation(new LogSettings { Driver = "json-file", Options = new Dictionary<string, string> { ["max-size"] = "1m", ["max-file"] = "2" } }, null));
        Assert.Equal(new Berth.Shim.Logging.LogRotation(2048, 3), LogDriver.Rotation(new LogSettings(), new Dictionary<string, string> { ["max-size"] = "2k" }));
        Assert.Equal(Berth.Shim.Logging.LogRotation.Default, LogDriver.Rotation(new LogSettings(), null));
    }
}
