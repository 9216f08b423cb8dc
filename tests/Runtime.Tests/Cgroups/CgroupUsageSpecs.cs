using Berth.Runtime.Cgroups;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Tests.Cgroups;

/// <summary>
/// What docker stats and docker update read and write, on fixture directories laid out like cgroup v1 (one hierarchy
/// per controller) and cgroup v2 (one unified directory), so both layouts are specified whatever this host runs.
/// </summary>
public sealed class CgroupUsageSpecs : IDisposable
{
    private const string Path = "/berth/c0ffee";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("berth-test-cgfixture-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Controller(string name, params (string File, string Text)[] files)
    {
        var dir = System.IO.Path.Combine(_root.FullName, name, Path.TrimStart('/'));
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in files) File.WriteAllText(System.IO.Path.Combine(dir, file), text);
        return dir;
    }

    private CgroupV1 V1() => new(new CgroupLayout(
        new[] { "cpu", "cpuacct", "memory", "pids", "blkio", "cpuset" }.ToDictionary(c => c, c => System.IO.Path.Combine(_root.FullName, c)), null), Path);

    private void V1Fixture()
    {
        Controller("cpuacct", ("cpuacct.usage", "343233470\n"), ("cpuacct.usage_percpu", "163033000 180200470 \n"), ("cpuacct.stat", "user 11\nsystem 23\n"));
        Controller("cpu", ("cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n"), ("cpu.shares", "1024\n"),
            ("cpu.cfs_period_us", "100000\n"), ("cpu.cfs_quota_us", "-1\n"));
        Controller("memory", ("memory.usage_in_bytes", "634880\n"), ("memory.max_usage_in_bytes", "1003520\n"),
            ("memory.limit_in_bytes", "9223372036854771712\n"), ("memory.stat", "cache 8192\nrss 118784\ntotal_inactive_file 4096\n"),
            ("memory.soft_limit_in_bytes", "0\n"), ("memory.memsw.limit_in_bytes", "9223372036854771712\n"));
        Controller("pids", ("pids.current", "2\n"), ("pids.max", "max\n"));
        Controller("blkio", ("blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n"),
            ("blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n"));
        Controller("cpuset", ("cpuset.cpus", "0-1\n"), ("cpuset.mems", "0\n"));
    }

    [Fact]
    public void V1_usage_comes_from_cpuacct_cpu_memory_pids_and_blkio_in_nanoseconds_and_bytes()
    {
        V1Fixture();
        var u = V1().Usage();
        Assert.Equal(343233470, u.CpuTotalNanos);
        Assert.Equal([163033000L, 180200470L], u.CpuPerCpuNanos);
        Assert.Equal(110_000_000, u.CpuUserNanos);   // 11 ticks of USER_HZ
        Assert.Equal(230_000_000, u.CpuSystemNanos);
        Assert.Equal((10L, 2L, 5000L), (u.ThrottlingPeriods, u.ThrottledPeriods, u.ThrottledNanos));
        Assert.Equal((634880L, 1003520L, 9223372036854771712L), (u.MemoryUsage, u.MemoryMaxUsage, u.MemoryLimit));
        Assert.Equal(4096, u.MemoryStat["total_inactive_file"]);
        Assert.Equal((2L, long.MaxValue), (u.PidsCurrent, u.PidsLimit));
        Assert.Equal([new BlkioEntry(8, 0, "Read", 4096), new BlkioEntry(8, 0, "Write", 8192), new BlkioEntry(8, 0, "Sync", 0),
            new BlkioEntry(8, 0, "Async", 12288), new BlkioEntry(8, 0, "Total", 12288)], u.IoServiceBytes);
        Assert.Equal(2, u.IoServiced.Count);
    }

    [Fact]
    public void V2_usage_comes_from_the_unified_files_with_microseconds_turned_into_nanoseconds()
    {
        var dir = Controller("unified",
            ("cpu.stat", "usage_usec 2500\nuser_usec 1500\nsystem_usec 1000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 7\n"),
            ("memory.current", "3145728\n"), ("memory.peak", "4194304\n"), ("memory.max", "max\n"),
            ("memory.stat", "anon 1048576\nfile 2097152\ninactive_file 1048576\n"), ("pids.current", "3\n"), ("pids.max", "64\n"),
            ("io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"));
        var u = new CgroupV2(System.IO.Path.Combine(_root.FullName, "unified"), Path).Usage();
        Assert.Equal((2_500_000L, 1_500_000L, 1_000_000L), (u.CpuTotalNanos, u.CpuUserNanos, u.CpuSystemNanos));
        Assert.Empty(u.CpuPerCpuNanos);
        Assert.Equal((4L, 1L, 7000L), (u.ThrottlingPeriods, u.ThrottledPeriods, u.ThrottledNanos));
        Assert.Equal((3145728L, 4194304L, long.MaxValue), (u.MemoryUsage, u.MemoryMaxUsage, u.MemoryLimit));
        Assert.Equal(1048576, u.MemoryStat["inactive_file"]);
        Assert.Equal((3L, 64L), (u.PidsCurrent, u.PidsLimit));
        Assert.Equal([new BlkioEntry(8, 0, "read", 4096), new BlkioEntry(8, 0, "write", 8192)], u.IoServiceBytes);
        Assert.Equal([new BlkioEntry(8, 0, "read", 1), new BlkioEntry(8, 0, "write", 2)], u.IoServiced);
        Assert.True(Directory.Exists(dir));
    }

    [Fact]
    public void A_controller_the_host_lacks_reads_as_minus_one()
    {
        Controller("memory", ("memory.usage_in_bytes", "100\n"));
        var u = V1().Usage();
        Assert.Equal(100, u.MemoryUsage);
        Assert.Equal(-1, u.CpuTotalNanos);
        Assert.Equal(-1, u.PidsCurrent);
        Assert.Empty(u.IoServiceBytes);
    }

    [Fact]
    public void V1_update_writes_only_the_limits_it_is_given()
    {
        V1Fixture();
        V1().Update(new Resources
        {
            Memory = new Memory { Limit = 64 << 20, Swap = 128 << 20 },
            Cpu = new Cpu { Period = 100000, Quota = 50000, Cpus = "1" },
            Pids = new Pids { Limit = 64 },
        });
        string Read(string controller, string file) => File.ReadAllText(System.IO.Path.Combine(_root.FullName, controller, Path.TrimStart('/'), file)).Trim();
        Assert.Equal((64 << 20).ToString(), Read("memory", "memory.limit_in_bytes"));
        Assert.Equal((128 << 20).ToString(), Read("memory", "memory.memsw.limit_in_bytes"));
        Assert.Equal("0", Read("memory", "memory.soft_limit_in_bytes"));
        Assert.Equal("50000", Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("1024", Read("cpu", "cpu.shares"));
        Assert.Equal("1", Read("cpuset", "cpuset.cpus"));
        Assert.Equal("64", Read("pids", "pids.max"));

        V1().Update(new Resources { Pids = new Pids { Limit = -1 } });
        Assert.Equal("max", Read("pids", "pids.max"));
    }

    [Fact]
    public void V2_update_writes_the_unified_files_and_refuses_a_missing_controller()
    {
        var dir = Controller("unified", ("pids.max", "max\n"), ("cpu.max", "max 100000\n"), ("memory.max", "max\n"));
        var cg = new CgroupV2(System.IO.Path.Combine(_root.FullName, "unified"), Path);
        cg.Update(new Resources { Pids = new Pids { Limit = 99 }, Cpu = new Cpu { Quota = 50000, Period = 100000 }, Memory = new Memory { Limit = 64 << 20 } });
        Assert.Equal("99", File.ReadAllText(System.IO.Path.Combine(dir, "pids.max")).Trim());
        Assert.Equal("50000 100000", File.ReadAllText(System.IO.Path.Combine(dir, "cpu.max")).Trim());
        Assert.Equal((64 << 20).ToString(), File.ReadAllText(System.IO.Path.Combine(dir, "memory.max")).Trim());

        var e = Assert.Throws<ConfigException>(() => cg.Update(new Resources { Cpu = new Cpu { Cpus = "0" } }));
        Assert.Contains("cpuset.cpus does not exist", e.Message);
    }

    [Fact]
    public void The_usage_of_a_live_cgroup_on_this_host_counts_its_processes()
    {
        var layout = CgroupLayout.Detect();
        var path = "/berth-test-" + Guid.NewGuid().ToString("N")[..10];
        var cg = layout.Open(path);
        cg.Create(null);
        // A shell that allocates only once it is in the cgroup: memory is charged where pages are first touched
        // (v1 does not move a migrating process's earlier charges). The $(...) child comes and goes before the exec.
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardInput = true })!;
        try
        {
            cg.AddProcess(sleeper.Id);
            sleeper.StandardInput.WriteLine("x=$(seq 1 20000); exec sleep 60");
            sleeper.StandardInput.Flush();
            var u = cg.Usage();
            for (var tries = 0; tries < 200 && (u.MemoryUsage == 0 || u.PidsCurrent != 1); tries++)
            {
                Thread.Sleep(50);
                u = cg.Usage();
            }
            Assert.Equal(1, u.PidsCurrent);
            Assert.True(u.MemoryUsage > 0);
            cg.Update(new Resources { Pids = new Pids { Limit = 5 } });
            Assert.Equal(5, cg.Usage().PidsLimit);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
            cg.Destroy();
        }
    }
}
