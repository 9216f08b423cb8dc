using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers.Bundle;

/// <summary>HostConfig checks at create, with docker's messages.</summary>
public sealed class HostConfigValidatorSpecs
{
    private static string Refusal(ContainerSpec h) => Assert.Throws<HostConfigException>(() => HostConfigValidator.Validate(h)).Message;

    [Fact]
    public void Memory_below_6MB_is_refused()
    {
        Assert.Equal("Minimum memory limit allowed is 6MB", Refusal(new ContainerSpec { Resources = new() { Memory = 1024 * 1024 } }));
    }

    [Fact]
    public void Memory_swap_defaults_to_twice_the_memory_and_must_not_be_below_it()
    {
        Assert.Equal(64L << 21, HostConfigValidator.Validate(new ContainerSpec { Resources = new() { Memory = 64L << 20 } }).Resources.MemorySwap);
        Assert.Equal(-1, HostConfigValidator.Validate(new ContainerSpec { Resources = new() { Memory = 64L << 20, MemorySwap = -1 } }).Resources.MemorySwap);
        Assert.Equal("Minimum memoryswap limit should be larger than memory limit, see usage", Refusal(new ContainerSpec { Resources = new() { Memory = 64L << 20, MemorySwap = 32L << 20 } }));
        Assert.Equal("You should always set the Memory limit when using Memoryswap limit, see usage", Refusal(new ContainerSpec { Resources = new() { MemorySwap = 64L << 20 } }));
        Assert.Equal("Minimum memory limit can not be less than memory reservation limit, see usage",
            Refusal(new ContainerSpec { Resources = new() { Memory = 64L << 20, MemoryReservation = 128L << 20 } }));
    }

    [Fact]
    public void Nano_cpus_conflict_with_cpu_quota_and_period()
    {
        Assert.Equal("Conflicting options: Nano CPUs and CPU Quota cannot both be set", Refusal(new ContainerSpec { Resources = new() { NanoCpus = 500_000_000, CpuQuota = 50_000 } }));
        Assert.Equal("Conflicting options: Nano CPUs and CPU Period cannot both be set", Refusal(new ContainerSpec { Resources = new() { NanoCpus = 500_000_000, CpuPeriod = 50_000 } }));
        Assert.StartsWith("Range of CPUs is from 0.01 to", Refusal(new ContainerSpec { Resources = new() { NanoCpus = 10_000L * 1_000_000_000 } }));
        Assert.Equal("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)", Refusal(new ContainerSpec { Resources = new() { CpuPeriod = 10 } }));
        Assert.Equal("CPU cfs quota can not be less than 1ms (i.e. 1000)", Refusal(new ContainerSpec { Resources = new() { CpuQuota = 10 } }));
    }

    [Fact]
    public void Oom_score_adj_is_within_minus_1000_and_1000()
    {
        Assert.Equal("Invalid value 5000, range for oom score adj is [-1000, 1000]", Refusal(new ContainerSpec { Resources = new() { OomScoreAdj = 5000 } }));
        Assert.Equal("Invalid value -1001, range for oom score adj is [-1000, 1000]", Refusal(new ContainerSpec { Resources = new() { OomScoreAdj = -1001 } }));
        HostConfigValidator.Validate(new ContainerSpec { Resources = new() { OomScoreAdj = -1000 } });
        HostConfigValidator.Validate(new ContainerSpec { Resources = new() { OomScoreAdj = 1000 } });
    }

    [Theory]
    [InlineData("80/tcp", "8080")]
    [InlineData("80", "")]
    [InlineData("8000-8010/udp", "9000-9010")]
    [InlineData("80/tcp", "0")]
    [InlineData("80/tcp", "65535/tcp")]
    public void Port_bindings_dockerd_accepts_are_accepted(string port, string hostPort) =>
        HostConfigValidator.Validate(Ports(port, hostPort));

    [Theory]
    [InlineData("80/tcp", "99999", "invalid port specification: \"99999\"")]
    [InlineData("80/tcp", "-1", "invalid port specification: \"-1\"")]
    [InlineData("80/tcp", "90-80", "invalid port specification: \"90-80\"")]
    [InlineData("80/tcp", "x", "invalid port specification: \"x\"")]
    [InlineData("abc", "", "invalid port specification: \"abc\"")]
    [InlineData("70000/tcp", "", "invalid port specification: \"70000\"")]
    public void Port_bindings_dockerd_refuses_are_refused_with_its_message(string port, string hostPort, string message) =>
        Assert.Equal(message, Refusal(Ports(port, hostPort)));

    private static ContainerSpec Ports(string port, string hostPort) =>
        new ContainerSpec { Network = new() { PortBindings = new Dictionary<string, IReadOnlyList<PortBinding>> { [port] = [new PortBinding("", hostPort)] } } };

    [Fact]
    public void Cpusets_must_name_online_cpus()
    {
        Assert.Equal("Invalid value x for cpuset cpus", Refusal(new ContainerSpec { Resources = new() { CpusetCpus = "x" } }));
        Assert.StartsWith("Requested CPUs are not available - requested 4095, available: ", Refusal(new ContainerSpec { Resources = new() { CpusetCpus = "4095" } }));
        HostConfigValidator.Validate(new ContainerSpec { Resources = new() { CpusetCpus = "0" } });
    }

    [Fact]
    public void Unknown_capabilities_are_refused_and_names_work_with_or_without_the_CAP_prefix()
    {
        Assert.Equal("unknown capability: \"CAP_NOPE\"", Refusal(new ContainerSpec { Security = new() { CapAdd = ["nope"] } }));
        var caps = OciSecurity.Capabilities(new() { CapAdd = ["sys_admin", "CAP_NET_ADMIN"], CapDrop = ["chown"] });
        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.Contains("CAP_NET_ADMIN", caps);
        Assert.DoesNotContain("CAP_CHOWN", caps);
    }

    [Fact]
    public void Cap_drop_ALL_keeps_only_the_added_and_cap_add_ALL_keeps_all_but_the_dropped()
    {
        Assert.Equal(["CAP_NET_BIND_SERVICE"], OciSecurity.Capabilities(new() { CapDrop = ["ALL"], CapAdd = ["NET_BIND_SERVICE"] }));
        var all = OciSecurity.Capabilities(new() { CapAdd = ["ALL"], CapDrop = ["SYS_ADMIN"] });
        Assert.Contains("CAP_SYS_PTRACE", all);
        Assert.DoesNotContain("CAP_SYS_ADMIN", all);
        Assert.Equal(OciSecurity.AllCapabilities, OciSecurity.Capabilities(new() { Privileged = true, CapDrop = ["ALL"] }));
    }

    [Fact]
    public void Binds_need_absolute_paths_and_known_modes()
    {
        Assert.Equal("invalid volume specification: '/tmp:data': invalid mount config for type \"bind\": invalid mount path: 'data' mount path must be absolute",
            Refusal(new ContainerSpec { Mounts = new() { Binds = ["/tmp:data"] } }));
        Assert.Equal("invalid mode: rx", Refusal(new ContainerSpec { Mounts = new() { Binds = ["/tmp:/data:rx"] } }));
        Assert.Contains("volumes are not supported", Refusal(new ContainerSpec { Mounts = new() { Binds = ["named:/data"] } }));
        Assert.Equal("Duplicate mount point: /data", Refusal(new ContainerSpec { Mounts = new() { Binds = ["/tmp:/data", "/var:/data/"] } }));
        var b = BindMount.Parse("/tmp:/data/:ro,Z,rshared");
        Assert.Equal(new BindMount("/tmp", "/data", true, "rshared", "ro,Z,rshared"), b);
    }

    [Fact]
    public void A_mount_of_type_bind_needs_an_existing_source_and_volumes_are_a_clear_400()
    {
        Assert.Equal("invalid mount config for type \"bind\": bind source path does not exist: /no/such/dir-x1",
            Refusal(new ContainerSpec { Mounts = new() { Mounts = [new ContainerMount { Kind = MountKind.Bind, Source = "/no/such/dir-x1", Target = "/x" }] } }));
        Assert.Contains("named volumes are not supported", Refusal(new ContainerSpec { Mounts = new() { Mounts = [new ContainerMount { Kind = MountKind.Volume, Source = "v", Target = "/x" }] } }));
        Assert.Equal("invalid mount config for type \"tmpfs\": field Source must not be specified",
            Refusal(new ContainerSpec { Mounts = new() { Mounts = [new ContainerMount { Kind = MountKind.Tmpfs, Source = "/tmp", Target = "/x" }] } }));
    }

    [Fact]
    public void Only_namespaced_sysctls_are_allowed()
    {
        Assert.Equal("sysctl \"vm.swappiness\" is not in a separate kernel namespace", Refusal(new ContainerSpec { Security = new() { Sysctls = new Dictionary<string, string> { ["vm.swappiness"] = "1" } } }));
        Assert.Equal("sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace",
            Refusal(new ContainerSpec { Network = new() { Mode = "host" }, Security = new() { Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" } } }));
        HostConfigValidator.Validate(new ContainerSpec { Security = new() { Sysctls = new Dictionary<string, string> { ["kernel.shmmax"] = "1000000", ["net.ipv4.ip_forward"] = "1" } } });
    }

    [Fact]
    public void Ulimits_security_options_hosts_dns_and_log_drivers_are_checked()
    {
        Assert.Equal("invalid ulimit type: nofiles", Refusal(new ContainerSpec { Resources = new() { Ulimits = [new Ulimit("nofiles", 1, 1)] } }));
        Assert.Equal("ulimit soft limit must be less than or equal to hard limit: 10 > 5", Refusal(new ContainerSpec { Resources = new() { Ulimits = [new Ulimit("nofile", 10, 5)] } }));
        Assert.Equal("invalid --security-opt 2: \"bogus=1\"", Refusal(new ContainerSpec { Security = new() { Options = ["bogus=1"] } }));
        Assert.Equal("invalid --security-opt 1: \"bogus\"", Refusal(new ContainerSpec { Security = new() { Options = ["bogus"] } }));
        Assert.StartsWith("Decoding seccomp profile failed:", Refusal(new ContainerSpec { Security = new() { Options = ["seccomp={not json"] } }));
        Assert.Equal("invalid IP address in add-host: \"nope\"", Refusal(new ContainerSpec { Network = new() { ExtraHosts = ["db:nope"] } }));
        Assert.Equal("IP address is not correctly formatted: 1.2.3", Refusal(new ContainerSpec { Network = new() { Dns = ["1.2.3"] } }));
        Assert.Equal("logger: no log driver named 'syslog2' is registered", Refusal(new ContainerSpec { Logging = new() { Driver = "syslog2" } }));
        Assert.Equal("unknown log opt 'max-siz' for json-file log driver",
            Refusal(new ContainerSpec { Logging = new() { Driver = "json-file", Options = new Dictionary<string, string> { ["max-siz"] = "1m" } } }));
        Assert.Equal("SHM size can not be less than 0", Refusal(new ContainerSpec { Resources = new() { ShmSize = -1 } }));
    }
}
