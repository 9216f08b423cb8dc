using System.Diagnostics;
using Berth.Runtime.Cgroups;
using Berth.Runtime.Oci;
using Process = System.Diagnostics.Process;

namespace Berth.Runtime.Tests.Cgroups;

/// <summary>Layout detection and the v1/v2 cgroup implementations against the real hierarchies of this host.</summary>
public sealed class CgroupSpecs : IDisposable
{
    private readonly string _path = "/berth-test-" + Guid.NewGuid().ToString("N")[..10] + "/cg";
    private readonly List<Process> _sleepers = [];

    public void Dispose()
    {
        foreach (var p in _sleepers) { try { p.Kill(); p.WaitForExit(); } catch (InvalidOperationException) { } }
        Support.HostCgroups.RemoveTree(_path.Split('/')[1].Insert(0, "/"));
    }

    private Process Sleeper()
    {
        var p = Process.Start("sleep", "60");
        _sleepers.Add(p);
        return p;
    }

    private const string Hybrid = """
        30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Fact]
    public void A_hybrid_host_is_v1_with_separate_cpu_and_cpuacct()
    {
        var layout = CgroupLayout.Parse(Hybrid.Split('\n'));
        Assert.True(layout.IsHybrid);
        Assert.Equal("/sys/fs/cgroup/cpu", layout.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpuacct", layout.V1Mounts["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/systemd", layout.V1Mounts["name=systemd"]);
        Assert.Equal("/sys/fs/cgroup/unified", layout.V2Mount);
        Assert.IsType<CgroupV1>(layout.Open("/x"));
    }

    [Fact]
    public void A_unified_host_is_v2()
    {
        var layout = CgroupLayout.Parse(["25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"]);
        Assert.True(layout.IsV2Only);
        Assert.IsType<CgroupV2>(layout.Open("/x"));
    }

    [Fact]
    public void V1_limits_are_written_and_read_back_as_stats()
    {
        var cg = CgroupLayout.Detect().Open(_path);
        Assert.IsType<CgroupV1>(cg);
        cg.Create(new Resources { Memory = new Memory { Limit = 64 << 20 }, Pids = new Pids { Limit = 7 } });
        var sleeper = Sleeper();
        cg.AddProcess(sleeper.Id);
        var stats = cg.Stats();
        Assert.Equal(64 << 20, stats.MemoryLimit);
        Assert.Equal(7, stats.PidsLimit);
        Assert.Equal(1, stats.PidsCurrent);
        Assert.Equal([sleeper.Id], cg.Processes());
        cg.KillAll(9);
        Assert.True(sleeper.WaitForExit(10_000));
        cg.Destroy();
        Assert.False(cg.Exists());
    }

    [Fact]
    public void A_limit_the_host_cannot_apply_names_its_field()
    {
        var cg = CgroupLayout.Detect().Open(_path);
        var e = Assert.Throws<ConfigException>(() => cg.Create(new Resources { Unified = new() { ["memory.max"] = "1" } }));
        Assert.Equal("linux.resources.unified", e.Field);
    }

    [Fact]
    public void V2_membership_freeze_and_kill_work_on_the_unified_hierarchy()
    {
        var layout = CgroupLayout.Detect();
        Assert.NotNull(layout.V2Mount); // this host mounts cgroup2 at /sys/fs/cgroup/unified
        var cg = new CgroupV2(layout.V2Mount!, _path);
        cg.Create(null);
        var sleeper = Sleeper();
        cg.AddProcess(sleeper.Id);
        Assert.Equal([sleeper.Id], cg.Processes());
        cg.Freeze();
        Assert.True(cg.IsFrozen());
        Assert.Contains("State:\tS", File.ReadAllText($"/proc/{sleeper.Id}/status")); // frozen tasks sleep in the freezer
        cg.Thaw();
        Assert.False(cg.IsFrozen());
        cg.KillAll(9);
        Assert.True(sleeper.WaitForExit(10_000));
        cg.Destroy();
        Assert.False(cg.Exists());
    }

    /// <summary>Whether a shell moved into the cgroup may open /dev/null (it waits for a line before it tries).</summary>
    private string OpenNullIn(ICgroup cg)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "read x; (exec 3</dev/null) 2>&- && echo open || echo refused"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true,
        };
        var shell = Process.Start(psi)!;
        _sleepers.Add(shell);
        cg.AddProcess(shell.Id);
        shell.StandardInput.WriteLine();
        var answer = shell.StandardOutput.ReadToEnd().Trim();
        shell.WaitForExit();
        return answer;
    }

    [Fact]
    public void V2_device_filters_are_enforced_and_replaced_not_stacked()
    {
        var layout = CgroupLayout.Detect();
        var cg = new CgroupV2(layout.V2Mount!, _path);
        cg.Create(null);
        var denyAll = new DeviceCgroupRule(false, 'a', DeviceCgroupRule.Wildcard, DeviceCgroupRule.Wildcard, DeviceAccess.All);
        cg.SetDevices([denyAll]);
        Assert.Equal("refused", OpenNullIn(cg));
        // With BPF_F_ALLOW_MULTI every attached program must allow: a filter left behind would still refuse.
        cg.SetDevices([denyAll with { Allow = true }]);
        Assert.Equal("open", OpenNullIn(cg));
        cg.Destroy();
    }

    [Fact]
    public void V2_limits_convert_v1_units_like_runc()
    {
        var limits = CgroupV2.Limits(new Resources
        {
            Memory = new Memory { Limit = 100, Swap = 300 },
            Cpu = new Cpu { Shares = 1024, Quota = 50000, Period = 100000 },
            Pids = new Pids { Limit = 0 },
            BlockIO = new BlockIo { Weight = 500 },
        }).ToDictionary(l => l.File, l => l.Value);
        Assert.Equal("100", limits["memory.max"]);
        Assert.Equal("200", limits["memory.swap.max"]);
        Assert.Equal("39", limits["cpu.weight"]);
        Assert.Equal("50000 100000", limits["cpu.max"]);
        Assert.Equal("max", limits["pids.max"]);
        Assert.Equal("4950", limits["io.weight"]);
    }
}
