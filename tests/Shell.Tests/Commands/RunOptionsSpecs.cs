using System.Text.Json.Nodes;
using Berth.Shell.Cli;
using Berth.Shell.Commands;

namespace Berth.Shell.Tests.Commands;

/// <summary>run/create flags become docker's create body; bad values are docker's parse errors (exit 125, naming the flag).</summary>
public sealed class RunOptionsSpecs
{
    private static JsonObject Body(params string[] args) => RunOptions.Body(VerbArgs.Parse("run", args, RunOptions.Flags)!);

    private static CliError Refusal(params string[] args) => Assert.Throws<CliError>(() => Body(args));

    [Fact]
    public void Resource_flags_fill_the_host_config()
    {
        var h = Body("--memory", "64m", "--memory-swap", "-1", "--memory-reservation", "32m", "--cpus", "1.5", "--cpu-shares", "512",
            "--cpu-quota", "50000", "--cpu-period", "100000", "--cpuset-cpus", "0", "--cpuset-mems", "0", "--pids-limit", "20",
            "--shm-size", "128m", "--ulimit", "nofile=100:200", "busybox")["HostConfig"]!;
        Assert.Equal(64L << 20, (long)h["Memory"]!);
        Assert.Equal(-1, (long)h["MemorySwap"]!);
        Assert.Equal(32L << 20, (long)h["MemoryReservation"]!);
        Assert.Equal(1_500_000_000, (long)h["NanoCpus"]!);
        Assert.Equal(512, (long)h["CpuShares"]!);
        Assert.Equal(50000, (long)h["CpuQuota"]!);
        Assert.Equal(100000, (long)h["CpuPeriod"]!);
        Assert.Equal("0", (string)h["CpusetMems"]!);
        Assert.Equal(20, (long)h["PidsLimit"]!);
        Assert.Equal(128L << 20, (long)h["ShmSize"]!);
        Assert.Equal("""[{"Name":"nofile","Soft":100,"Hard":200}]""", h["Ulimits"]!.ToJsonString());
    }

    [Fact]
    public void Name_flags_fill_hostname_dns_and_hosts()
    {
        var body = Body("-h", "box", "--dns", "1.1.1.1", "--dns-search", "example.com", "--dns-option", "ndots:2", "--add-host", "db:10.0.0.5", "busybox");
        Assert.Equal("box", (string)body["Hostname"]!);
        var h = body["HostConfig"]!;
        Assert.Equal("""["1.1.1.1"]""", h["Dns"]!.ToJsonString());
        Assert.Equal("""["example.com"]""", h["DnsSearch"]!.ToJsonString());
        Assert.Equal("""["ndots:2"]""", h["DnsOptions"]!.ToJsonString());
        Assert.Equal("""["db:10.0.0.5"]""", h["ExtraHosts"]!.ToJsonString());
    }

    [Fact]
    public void Labels_come_from_label_files_then_flags()
    {
        var file = Path.Combine(Path.GetTempPath(), $"labels-{Guid.NewGuid():N}");
        File.WriteAllText(file, "# comment\na=1\nb=2\n");
        try
        {
            var labels = Body("--label-file", file, "-l", "b=3", "busybox")["Labels"]!;
            Assert.Equal("1", (string)labels["a"]!);
            Assert.Equal("3", (string)labels["b"]!);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Bad_values_are_docker_parse_errors_that_name_the_flag()
    {
        Assert.Equal(125, Refusal("--memory", "lots", "busybox").ExitCode);
        Assert.Contains("\"--memory\"", Refusal("--memory", "lots", "busybox").Message);
        Assert.Contains("\"--cpus\"", Refusal("--cpus", "x", "busybox").Message);
        Assert.Contains("\"--pids-limit\"", Refusal("--pids-limit", "many", "busybox").Message);
        Assert.Contains("\"--shm-size\"", Refusal("--shm-size", "big", "busybox").Message);
        Assert.Contains("\"--sysctl\"", Refusal("--sysctl", "kernel.shmmax", "busybox").Message);
        Assert.Contains("\"--add-host\"", Refusal("--add-host", "nohost", "busybox").Message);
        Assert.Contains("\"--dns\"", Refusal("--dns", "resolver", "busybox").Message);
        Assert.Contains("\"--log-opt\"", Refusal("--log-opt", "max-size", "busybox").Message);
        Assert.Contains("\"--health-interval\"", Refusal("--health-cmd", "true", "--health-interval", "often", "busybox").Message);
    }

    [Fact]
    public void Device_flags_take_dockers_forms()
    {
        var h = Body("--device", "/dev/loop3", "--device", "/dev/loop4:/dev/xvdc:rw", "--device", "/dev/loop5:r", "--device", "/dev/loop6:/dev//xvdd/",
            "--device-cgroup-rule", "b 7:* r", "--device-cgroup-rule", "c 1:11 w", "busybox")["HostConfig"]!;
        Assert.Equal(
            """[{"PathOnHost":"/dev/loop3","PathInContainer":"/dev/loop3","CgroupPermissions":"rwm"},""" +
            """{"PathOnHost":"/dev/loop4","PathInContainer":"/dev/xvdc","CgroupPermissions":"rw"},""" +
            """{"PathOnHost":"/dev/loop5","PathInContainer":"/dev/loop5","CgroupPermissions":"r"},""" +
            """{"PathOnHost":"/dev/loop6","PathInContainer":"/dev/xvdd","CgroupPermissions":"rwm"}]""",
            h["Devices"]!.ToJsonString());
        Assert.Equal("""["b 7:* r","c 1:11 w"]""", h["DeviceCgroupRules"]!.ToJsonString());
        Assert.Null(Body("busybox")["HostConfig"]!["DeviceCgroupRules"]);
        Assert.Equal("[]", Body("busybox")["HostConfig"]!["Devices"]!.ToJsonString());
    }

    [Theory]
    [InlineData("bad mode specified: rwx", "--device", "/dev/loop3:/dev/xvdc:rwx")]
    [InlineData("xvdc is not an absolute path", "--device", "/dev/loop3:xvdc")]
    [InlineData("bad format for path: /a:/b:r:w", "--device", "/a:/b:r:w")]
    [InlineData("invalid argument \"c 1:3\" for \"--device-cgroup-rule\" flag: invalid device cgroup format 'c 1:3'", "--device-cgroup-rule", "c 1:3")]
    [InlineData("invalid argument \"a\" for \"--device-cgroup-rule\" flag: invalid device cgroup format 'a'", "--device-cgroup-rule", "a")]
    public void Bad_device_flags_are_refused_with_dockers_messages(string message, string flag, string value)
    {
        var e = Refusal(flag, value, "busybox");
        Assert.Equal(125, e.ExitCode);
        Assert.Equal(message, e.Message);
    }
}
