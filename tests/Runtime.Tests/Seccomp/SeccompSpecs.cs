using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Seccomp;

/// <summary>linux.seccomp is compiled with libseccomp and installed before exec, as under runc.</summary>
public sealed class SeccompSpecs : IDisposable
{
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose() => _bundle.Dispose();

    private static readonly JsonNode Profile = JsonNode.Parse("""
        {
          "defaultAction": "SCMP_ACT_ALLOW",
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
          "syscalls": [
            { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 },
            { "names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO" },
            { "names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [ { "index": 0, "value": 8, "op": "SCMP_CMP_EQ" } ] },
            { "names": ["no_such_syscall_xyz"], "action": "SCMP_ACT_ERRNO" }
          ]
        }
        """)!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Denied_syscalls_fail_with_the_configured_errno_like_under_runc(bool noNewPrivileges)
    {
        _bundle.With("linux.seccomp", Profile.DeepClone()).With("process.noNewPrivileges", noNewPrivileges)
            .WithScript("grep -E '^(Seccomp|NoNewPrivs)' /proc/self/status; mkdir /dev/shm/x 2>&1; chmod 600 /dev/shm 2>&1; echo done");
        var results = new List<CommandResult>();
        foreach (var rt in new[] { OciRuntime.Runc(), OciRuntime.Berth() })
            using (rt)
            {
                _bundle.WithCgroupsPath($"{_bundle.CgroupParent}/{rt.Name}").Write();
                results.Add(rt.Run(_bundle));
            }
        var berth = results[1].ShouldSucceed().Stdout;
        Assert.Equal(results[0].ShouldSucceed().Stdout, berth);
        Assert.Contains("Seccomp:\t2\n", berth);
        Assert.Contains("mkdir: can't create directory '/dev/shm/x': Operation not permitted", berth);
        Assert.Contains("chmod: /dev/shm: Operation not permitted", berth);
    }

    [Fact]
    public void Seccomp_flags_reach_the_kernel()
    {
        // SECCOMP_FILTER_FLAG_LOG is accepted by the kernel; an unknown flag is refused up front.
        var profile = Profile.DeepClone();
        profile["flags"] = new JsonArray("SECCOMP_FILTER_FLAG_LOG");
        _bundle.With("linux.seccomp", profile).WithScript("mkdir /dev/shm/x 2>&1; true").Write();
        using var berth = OciRuntime.Berth();
        Assert.Contains("Operation not permitted", berth.Run(_bundle).ShouldSucceed().Stdout);

        profile["flags"] = new JsonArray("SECCOMP_FILTER_FLAG_BOGUS");
        _bundle.With("linux.seccomp", profile.DeepClone()).Write();
        var r = berth.Run(_bundle);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("linux.seccomp.flags[0]: \"SECCOMP_FILTER_FLAG_BOGUS\" is not a supported flag", r.Stderr);
    }
}
