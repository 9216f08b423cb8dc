using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Every container runs under berth's built-in seccomp profile unless it is privileged, asks for seccomp=unconfined or
/// brings its own, through the real docker CLI. `unshare -U` proves the filter: creating a user namespace needs no
/// capability, so only seccomp refuses it.
/// </summary>
public sealed class DefaultSeccompSpecs : ContainerSpecs
{
    private const string Probe = "grep Seccomp: /proc/self/status; busybox unshare -U true 2>&1; echo unshare=$?";

    [Theory]
    [InlineData("berth-runtime")]
    [InlineData("runc")]
    public async Task A_default_container_is_filtered_and_may_not_make_namespaces_under_every_runtime(string runtime)
    {
        var output = await Ok("run", "--rm", "--runtime", runtime, "busybox", "sh", "-c", Probe + "; ls /bin >/dev/null && cat /etc/hostname >/dev/null && sleep 0.01 && echo ordinary-work");
        Assert.Contains("Seccomp:\t2\n", output);
        Assert.Contains("Operation not permitted", output);
        Assert.Contains("unshare=1\n", output);
        Assert.Contains("ordinary-work\n", output);
    }

    [Theory]
    [InlineData("--security-opt", "seccomp=unconfined")]
    [InlineData("--privileged")]
    public async Task Unconfined_and_privileged_containers_run_without_a_filter(params string[] flags)
    {
        var output = await Ok(["run", "--rm", .. flags, "busybox", "sh", "-c", Probe]);
        Assert.Contains("Seccomp:\t0\n", output);
        Assert.Contains("unshare=0\n", output);
    }

    [Fact]
    public async Task CAP_SYS_ADMIN_brings_mount_and_unshare_but_the_filter_stays()
    {
        var output = await Ok("run", "--rm", "--cap-add", "SYS_ADMIN", "busybox", "sh", "-c",
            Probe + "; mkdir /mnt && mount -t tmpfs none /mnt && echo mounted; busybox swapon /etc/passwd 2>&1; true");
        Assert.Contains("Seccomp:\t2\n", output);
        Assert.Contains("unshare=0\n", output);
        Assert.Contains("mounted\n", output);
        // swapon is in no capability's list: still refused by the filter, where the kernel alone would say EINVAL.
        Assert.Contains("swapon: /etc/passwd: Operation not permitted", output);
    }

    [Fact]
    public async Task An_exec_runs_under_the_containers_filter()
    {
        var name = "sc-" + Guid.NewGuid().ToString("N")[..8];
        await Ok("run", "-d", "--name", name, "busybox", "sleep", "100");
        var output = await Ok("exec", name, "sh", "-c", Probe);
        Assert.Contains("Seccomp:\t2\n", output);
        Assert.Contains("unshare=1\n", output);
    }

    [Fact]
    public async Task Info_names_the_builtin_profile_and_inspect_shows_only_what_the_user_gave()
    {
        Assert.Contains("name=seccomp,profile=builtin", await Ok("info", "--format", "{{json .SecurityOptions}}"));
        var plain = "sc-" + Guid.NewGuid().ToString("N")[..8];
        var unconfined = "sc-" + Guid.NewGuid().ToString("N")[..8];
        await Ok("create", "--name", plain, "busybox", "true");
        await Ok("create", "--name", unconfined, "--security-opt", "seccomp=unconfined", "busybox", "true");
        using var inspect = JsonDocument.Parse(await Ok("inspect", plain, unconfined));
        var options = inspect.RootElement.EnumerateArray().Select(c => c.GetProperty("HostConfig").GetProperty("SecurityOpt")).ToList();
        Assert.Equal(JsonValueKind.Null, options[0].ValueKind);
        Assert.Equal(["seccomp=unconfined"], options[1].EnumerateArray().Select(o => o.GetString()));
    }
}
