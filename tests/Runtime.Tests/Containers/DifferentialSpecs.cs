using System.Text.RegularExpressions;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>
/// The same bundle under runc and under berth-runtime: what the container observes must be the
/// same, and must be what the config asks for.
/// </summary>
public sealed class DifferentialSpecs : IDisposable
{
    private readonly OciRuntime _runc = OciRuntime.Runc();
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly List<Bundle> _bundles = [];

    public void Dispose()
    {
        _runc.Dispose();
        _berth.Dispose();
        foreach (var b in _bundles) b.Dispose();
    }

    private Bundle NewBundle(string script)
    {
        var b = Bundle.Busybox().WithScript(script);
        _bundles.Add(b);
        return b;
    }

    /// <summary>Runs the bundle under both runtimes (each in its own cgroup) and returns (runc, berth) output.</summary>
    private (CommandResult Runc, CommandResult Berth) RunBoth(Bundle b)
    {
        var results = new List<CommandResult>();
        foreach (var rt in new[] { _runc, _berth })
        {
            b.WithCgroupsPath($"{b.CgroupParent}/{rt.Name}").Write();
            results.Add(rt.Run(b));
        }
        return (results[0], results[1]);
    }

    private static string Normalise(string s) => s.Replace("/runc", "/RT").Replace("/berth", "/RT").Trim();

    [Fact]
    public void The_process_is_pid_1_and_sees_only_its_own_processes()
    {
        var b = NewBundle("echo pid=$$; ps -o comm > /dev/shm/ps; cat /dev/shm/ps");
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Equal("pid=1\nCOMMAND\nsh\nps\n", berth.Stdout);
    }

    [Fact]
    public void The_hostname_is_the_configured_one_in_a_new_uts_namespace()
    {
        var b = NewBundle(HostGuard.PrintNamespace("uts") + "echo host=$(hostname)");
        b.With("hostname", "box-under-test");
        var (runc, berth) = RunBoth(b);
        HostGuard.AssertIsolated(berth.ShouldSucceed().Stdout, "uts");
        Assert.Contains("host=box-under-test", berth.Stdout);
        Assert.Contains("host=box-under-test", runc.ShouldSucceed().Stdout);
    }

    [Fact]
    public void The_mount_table_matches_runc()
    {
        // mountpoint, filesystem type, root within the source, and read-only or not.
        var b = NewBundle("cat /proc/self/mountinfo");
        var (runc, berth) = RunBoth(b);
        Assert.Equal(MountSet(runc.ShouldSucceed().Stdout), MountSet(berth.ShouldSucceed().Stdout));
        Assert.Contains("/ ext4 ro", MountSet(berth.Stdout).First(m => m.StartsWith("/ ")) + " ro");
    }

    private static List<string> MountSet(string mountinfo) =>
        mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            var parts = l.Split(" - ");
            var pre = parts[0].Split(' ');
            var fsType = parts[1].Split(' ')[0];
            var ro = pre[5].Split(',').Contains("ro") ? "ro" : "rw";
            var root = Normalise(pre[3]);
            return $"{pre[4]} {fsType} {ro} {(fsType == "ext4" ? "" : root)}".TrimEnd();
        }).Order().ToList();

    [Fact]
    public void Capabilities_no_new_privs_and_seccomp_match_runc()
    {
        var b = NewBundle("grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status");
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Contains("CapBnd:\t0000000020000420", berth.Stdout); // AUDIT_WRITE, KILL, NET_BIND_SERVICE
        Assert.Contains("CapAmb:\t0000000000000000", berth.Stdout); // ambient needs inheritable, which is empty
        Assert.Contains("NoNewPrivs:\t1", berth.Stdout);
    }

    [Fact]
    public void Capability_sets_can_differ_per_set()
    {
        var b = NewBundle("grep -E '^Cap' /proc/self/status");
        b.With("process.capabilities", System.Text.Json.Nodes.JsonNode.Parse("""
            { "bounding": ["CAP_CHOWN","CAP_KILL","CAP_SETUID"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL","CAP_CHOWN"],
              "inheritable": ["CAP_CHOWN"], "ambient": [] }
            """));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        // uid 0 execs with effective = permitted; no_new_privs keeps permitted from growing.
        Assert.Contains("CapEff:\t0000000000000021", berth.Stdout);
        Assert.Contains("CapPrm:\t0000000000000021", berth.Stdout);
        Assert.Contains("CapInh:\t0000000000000001", berth.Stdout);
        Assert.Contains("CapBnd:\t00000000000000a1", berth.Stdout);
    }

    [Fact]
    public void A_non_root_user_with_additional_groups_matches_runc()
    {
        var b = NewBundle("id; echo umask=$(umask); echo home=$HOME; pwd");
        b.With("process.user", System.Text.Json.Nodes.JsonNode.Parse("""{ "uid": 1000, "gid": 1000, "additionalGids": [5, 65534], "umask": 63 }"""));
        b.With("process.cwd", "/home/user");
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Contains("uid=1000(user) gid=1000(user) groups=5(tty),65534(nogroup)", berth.Stdout);
        Assert.Contains("umask=0077", berth.Stdout);
        Assert.Contains("home=/home/user", berth.Stdout);
    }

    [Fact]
    public void Cgroup_membership_and_limits_match_runc()
    {
        var b = NewBundle("cat /proc/self/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max " +
                          "/sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpuset/cpuset.cpus");
        b.With("linux.resources.memory", System.Text.Json.Nodes.JsonNode.Parse("""{ "limit": 67108864, "reservation": 33554432 }"""));
        b.With("linux.resources.pids", System.Text.Json.Nodes.JsonNode.Parse("""{ "limit": 42 }"""));
        b.With("linux.resources.cpu", System.Text.Json.Nodes.JsonNode.Parse("""{ "shares": 512, "quota": 50000, "period": 100000, "cpus": "0" }"""));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(Normalise(runc.ShouldSucceed().Stdout), Normalise(berth.ShouldSucceed().Stdout));
        Assert.Contains($"memory:{b.CgroupParent}/berth", berth.Stdout);
        Assert.Contains("67108864\n42\n512\n50000\n100000\n0\n", berth.Stdout);
    }

    [Fact]
    public void A_memory_hog_is_oom_killed_at_the_limit()
    {
        // tail buffers its whole input: /dev/zero has no newline, so it grows without bound.
        var b = NewBundle("tail /dev/zero; echo survived");
        b.With("linux.resources.memory", System.Text.Json.Nodes.JsonNode.Parse("""{ "limit": 33554432, "swap": 33554432 }"""));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ExitCode, berth.ExitCode);
        Assert.Contains("survived", berth.Stdout); // the shell survives; its child was killed
        Assert.Equal(runc.Stdout, berth.Stdout);
    }

    [Fact]
    public void A_fork_bomb_stops_at_pids_max()
    {
        // Only builtins after the bomb: at the limit, a fork for `cat` would fail too.
        var b = NewBundle("( i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done ) 2>/dev/null; " +
                          "read n < /sys/fs/cgroup/pids/pids.current; read e c < /sys/fs/cgroup/pids/pids.events; " +
                          "echo current=$n; [ $c -gt 0 ] && echo fork-refused; kill -9 -1");
        b.With("linux.resources.pids", System.Text.Json.Nodes.JsonNode.Parse("""{ "limit": 10 }"""));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Contains("fork-refused", berth.Stdout);
        var current = int.Parse(berth.Stdout.Split('\n')[0]["current=".Length..]);
        Assert.InRange(current, 2, 10);
    }

    [Fact]
    public void Masked_paths_are_unreadable_and_readonly_paths_unwritable()
    {
        var b = NewBundle("echo keys=$(wc -c < /proc/keys); ls /sys/firmware | wc -l; " +
                          "echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable || echo sys-readonly; " +
                          "touch /etc/x 2>/dev/null && echo root-writable || echo root-readonly");
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Equal("keys=0\n0\nsys-readonly\nroot-readonly\n", berth.Stdout);
    }

    [Fact]
    public void Rlimits_are_exactly_the_configured_values()
    {
        var b = NewBundle("ulimit -n; ulimit -Hn; ulimit -s");
        b.With("process.rlimits", System.Text.Json.Nodes.JsonNode.Parse("""
            [ { "type": "RLIMIT_NOFILE", "soft": 256, "hard": 512 }, { "type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608 } ]
            """));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(runc.ShouldSucceed().Stdout, berth.ShouldSucceed().Stdout);
        Assert.Equal("256\n512\n4096\n", berth.Stdout);
    }

    [Theory]
    [InlineData("exit 3", 3)]
    [InlineData("exec nonexistent-program-xyz", 127)]
    public void Exit_codes_and_signals_are_passed_on(string script, int expected)
    {
        var b = NewBundle(script);
        var (runc, berth) = RunBoth(b);
        Assert.Equal(expected, berth.ExitCode);
        Assert.Equal(runc.ExitCode, berth.ExitCode);
    }

    [Theory]
    [InlineData("KILL", 137)]
    [InlineData("USR1", 138)]
    public void Without_a_pid_namespace_a_signal_death_is_128_plus_the_signal(string signal, int expected)
    {
        // As pid 1 of its own namespace the shell could not be killed by its own signal.
        var b = NewBundle($"kill -{signal} $$");
        var namespaces = b.Config["linux"]!["namespaces"]!.AsArray();
        namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "pid"));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(expected, berth.ExitCode);
        Assert.Equal(runc.ExitCode, berth.ExitCode);
    }

    [Fact]
    public void Sysctls_and_domainname_are_applied_inside()
    {
        var b = NewBundle(HostGuard.PrintNamespace("uts") + "cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/kernel/domainname");
        b.With("domainname", "example.test");
        b.With("linux.sysctl", System.Text.Json.Nodes.JsonNode.Parse("""{ "net.ipv4.ip_forward": "1" }"""));
        var (runc, berth) = RunBoth(b);
        HostGuard.AssertIsolated(berth.ShouldSucceed().Stdout, "uts");
        Assert.Equal(runc.ShouldSucceed().Stdout.Split('\n')[1], berth.Stdout.Split('\n')[1]);
        Assert.Equal("1", berth.Stdout.Split('\n')[1]);
        // runc 1.1.5 ignores domainname; the spec says to set it, and we do.
        Assert.Equal("example.test", berth.Stdout.Split('\n')[2]);
    }

    [Fact]
    public void Devices_are_created_with_their_numbers()
    {
        var b = NewBundle("ls -l /dev | grep -v total | awk '{print $1, $5, $6, $NF}' | sort");
        b.With("linux.devices", System.Text.Json.Nodes.JsonNode.Parse("""
            [ { "type": "c", "path": "/dev/berth-null", "major": 1, "minor": 3, "fileMode": 432, "uid": 0, "gid": 0 } ]
            """));
        b.With("linux.resources.devices", System.Text.Json.Nodes.JsonNode.Parse("""[ { "allow": true, "access": "rwm" } ]"""));
        var (runc, berth) = RunBoth(b);
        Assert.Equal(Regex.Replace(runc.ShouldSucceed().Stdout, "[0-9]+:[0-9]+", ""), Regex.Replace(berth.ShouldSucceed().Stdout, "[0-9]+:[0-9]+", ""));
        Assert.Contains("crw-rw---- 1, 3 berth-null", berth.Stdout);
    }
}
