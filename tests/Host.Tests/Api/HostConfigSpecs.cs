using System.Net;
using System.Text;
using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>docker run's HostConfig flags through the real docker CLI, observed from inside the container and from the host.</summary>
public sealed class HostConfigSpecs : ContainerSpecs
{
    private readonly string _name = "hc-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Caps_binds_tmpfs_read_only_rootfs_ulimits_shm_sysctls_and_names_take_effect_inside_the_container()
    {
        var data = Dir.Combine("data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "seen"), "from the host");
        var output = await Ok("run", "--rm", "--cap-drop", "ALL", "--cap-add", "net_admin", "-v", data + ":/data:ro", "--tmpfs", "/scratch:size=1m",
            "--read-only", "--ulimit", "nofile=123:456", "--shm-size", "8m", "--sysctl", "kernel.shmmax=1000000", "-h", "box", "--add-host", "db:10.1.2.3", "--dns", "192.0.2.53", "--dns-search", "example.com",
            "busybox", "sh", "-c",
            "grep CapEff /proc/self/status; cat /data/seen; echo; touch /data/x 2>/dev/null && echo bind-rw || echo bind-ro; " +
            "grep ' /scratch ' /proc/mounts; touch /scratch/ok && echo tmpfs-rw; touch /rootfile 2>/dev/null && echo root-rw || echo root-ro; " +
            "ulimit -n; ulimit -Hn; hostname; cat /etc/hostname; grep db /etc/hosts; cat /etc/resolv.conf; " +
            "echo shmmax=$(cat /proc/sys/kernel/shmmax); grep ' /dev/shm ' /proc/mounts");
        Assert.Contains("CapEff:\t0000000000001000\n", output);  // CAP_NET_ADMIN (bit 12) only
        Assert.Contains("from the host\nbind-ro\n", output);
        Assert.Matches(@"tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k", output);
        Assert.Contains("tmpfs-rw\nroot-ro\n123\n456\nbox\nbox\n10.1.2.3\tdb\n", output);
        Assert.Contains("search example.com\n", output);
        Assert.Contains("nameserver 192.0.2.53\n", output);
        Assert.Contains("shmmax=1000000\n", output);
        Assert.Matches(@"shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=8192k", output);
        Assert.False(File.Exists(Path.Combine(data, "x")));
    }

    [Fact]
    public async Task Memory_and_pids_limits_are_set_on_the_containers_cgroup_and_shown_by_inspect()
    {
        var id = (await Ok("run", "-d", "--name", _name, "--memory", "64m", "--pids-limit", "20", "--cpus", "0.5", "busybox", "sleep", "1000")).Trim();
        var v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        string Cgroup(string controller, string file) =>
            File.ReadAllText(v2 ? $"/sys/fs/cgroup/berth/{id}/{file}" : $"/sys/fs/cgroup/{controller}/berth/{id}/{file}").Trim();
        Assert.Equal("67108864", Cgroup("memory", v2 ? "memory.max" : "memory.limit_in_bytes"));
        Assert.Equal("20", Cgroup("pids", "pids.max"));
        Assert.Equal(v2 ? "50000 100000" : "50000", Cgroup("cpu", v2 ? "cpu.max" : "cpu.cfs_quota_us"));

        using var inspect = JsonDocument.Parse(await Ok("inspect", _name));
        var h = inspect.RootElement[0].GetProperty("HostConfig");
        Assert.Equal(67108864, h.GetProperty("Memory").GetInt64());
        Assert.Equal(134217728, h.GetProperty("MemorySwap").GetInt64());
        Assert.Equal(20, h.GetProperty("PidsLimit").GetInt64());
        Assert.Equal(500_000_000, h.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(67108864, h.GetProperty("ShmSize").GetInt64());
        Assert.Equal("no", h.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Contains("/proc/kcore", h.GetProperty("MaskedPaths").EnumerateArray().Select(p => p.GetString()));
        var hostsPath = inspect.RootElement[0].GetProperty("HostsPath").GetString()!;
        Assert.StartsWith("127.0.0.1\tlocalhost", File.ReadAllText(hostsPath));
    }

    [Fact]
    public async Task User_names_resolve_from_the_images_passwd_and_unknown_users_fail_like_docker()
    {
        Assert.Equal("65534 65534\n", await Ok("run", "--rm", "-u", "nobody", "busybox", "sh", "-c", "echo $(id -u) $(id -g)"));
        Assert.Equal("65534 0\n", await Ok("run", "--rm", "-u", "nobody:root", "busybox", "sh", "-c", "echo $(id -u) $(id -g)"));
        var r = await Docker("run", "--rm", "-u", "nosuch", "busybox", "true");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("unable to find user nosuch: no matching entries in passwd file", r.Stderr);
    }

    [Fact]
    public async Task Init_runs_as_pid_1_and_passes_on_the_commands_exit_code()
    {
        var ps = await Ok("run", "--rm", "--init", "busybox", "ps", "-o", "pid,args");
        Assert.Matches(@"\n\s*1 /sbin/docker-init -- ps -o pid,args\n", ps);
        Assert.Equal(3, (await Docker("run", "--rm", "--init", "busybox", "sh", "-c", "exit 3")).ExitCode);
    }

    [Fact]
    public async Task Privileged_has_every_capability_and_seccomp_and_no_new_privileges_apply()
    {
        // Every capability berthd holds itself (its bounding set, which the test shares), like docker.
        var all = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapBnd:"))[7..].Trim();
        Assert.Contains($"CapEff:\t{all}\n", await Ok("run", "--rm", "--privileged", "busybox", "grep", "CapEff", "/proc/self/status"));

        var profile = Dir.Combine("no-mkdir.json");
        File.WriteAllText(profile, """
            {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
            """);
        var output = await Ok("run", "--rm", "--security-opt", "seccomp=" + profile, "--security-opt", "no-new-privileges", "busybox", "sh", "-c",
            "mkdir /tmp/d 2>&1; grep NoNewPrivs /proc/self/status");
        Assert.Contains("Operation not permitted", output);
        Assert.Contains("NoNewPrivs:\t1", output);
        Assert.Contains("made\n", await Ok("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "sh", "-c", "mkdir /tmp/d && echo made"));
    }

    [Fact]
    public async Task Log_options_rotate_the_json_file_log()
    {
        await Ok("run", "--name", _name, "--log-opt", "max-size=1k", "--log-opt", "max-file=2", "busybox", "sh", "-c",
            "i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done");
        var log = (await Ok("inspect", "--format", "{{.LogPath}}", _name)).Trim();
        Assert.True(File.Exists(log + ".1"), "the log rotated once");
        Assert.False(File.Exists(log + ".2"), "max-file=2 keeps one rotated file");
        Assert.True(new FileInfo(log).Length <= 1024 + 100);
    }

    [Theory]
    [InlineData("Minimum memory limit allowed is 6MB", "--memory", "1m")]
    [InlineData("unknown capability: \"CAP_NOPE\"", "--cap-add", "nope")]
    [InlineData("bind source path does not exist: /no/such/berth-dir", "--mount", "type=bind,src=/no/such/berth-dir,dst=/x")]
    [InlineData("sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace", "--network", "host", "--sysctl", "net.ipv4.ip_forward=1")]
    [InlineData("Conflicting options: Nano CPUs and CPU Quota cannot both be set", "--cpus", "1", "--cpu-quota", "50000")]
    [InlineData("invalid --security-opt 2: \"bogus=1\"", "--security-opt", "bogus=1")]
    public async Task Bad_host_config_is_refused_with_dockers_message_and_nothing_is_created(string message, params string[] flags)
    {
        var r = await Docker(["run", "--rm", .. flags, "busybox", "true"]);
        Assert.Equal(125, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("", (await Ok("ps", "-aq")).Trim());
    }

    [Fact]
    public async Task Create_ignores_unknown_fields_and_keeps_a_10MB_env_var()
    {
        using var http = UnixHttp.Client(Daemon.Socket);
        var big = new string('x', 10 * 1024 * 1024);
        var body = JsonSerializer.Serialize(new
        {
            Image = "busybox", Cmd = new[] { "true" }, Env = new[] { "BIG=" + big }, NoSuchField = 1,
            HostConfig = new { Memory = 64L << 20, Unknown = new { Deep = true } },
        });
        var created = await http.PostAsync($"/containers/create?name={_name}", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var inspect = JsonDocument.Parse(await http.GetStringAsync($"/containers/{_name}/json"));
        Assert.Contains(inspect.RootElement.GetProperty("Config").GetProperty("Env").EnumerateArray(), e => e.GetString()!.Length == big.Length + 4);
        Assert.Equal(64L << 20, inspect.RootElement.GetProperty("HostConfig").GetProperty("Memory").GetInt64());

        var bad = await http.PostAsync("/containers/create", new StringContent("""{"Image":"busybox","Cmd":["true"],"HostConfig":{"Binds":["rel:/x:zz"]}}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
