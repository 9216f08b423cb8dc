using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;
using Berth.Runtime.Seccomp;

namespace Berth.Actors.Tests.Containers.Bundle;

/// <summary>berth's built-in seccomp profile: what it allows for which capabilities, and when a container gets it.</summary>
public sealed class DefaultSeccompSpecs
{
    private static readonly Version Kernel = new(6, 1);
    private static readonly IReadOnlyList<string> DockerDefaults = OciSecurity.DefaultCapabilities;

    private static Seccomp Profile(params string[] extraCaps) => DefaultSeccomp.For([.. DockerDefaults, .. extraCaps], SeccompArch.X86_64, Kernel);

    /// <summary>Rules of the profile that name the syscall.</summary>
    private static List<SeccompSyscall> RulesFor(Seccomp s, string name) => s.Syscalls!.Where(r => r.Names!.Contains(name)).ToList();

    /// <summary>Allowed whatever its arguments.</summary>
    private static bool AllowsOutright(Seccomp s, string name) =>
        RulesFor(s, name).Any(r => r.Action == "SCMP_ACT_ALLOW" && r.Args is not { Count: > 0 });

    [Fact]
    public void Anything_not_listed_fails_with_EPERM_on_x86_64_and_its_32_bit_abis()
    {
        var s = Profile();
        Assert.Equal("SCMP_ACT_ERRNO", s.DefaultAction);
        Assert.Equal(1u, s.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], s.Architectures);
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], DefaultSeccomp.For(DockerDefaults, SeccompArch.Aarch64, Kernel).Architectures);
        foreach (var never in new[] { "keyctl", "add_key", "request_key", "kexec_load", "userfaultfd", "swapon", "io_uring_setup" })
            Assert.Empty(RulesFor(s, never));
    }

    [Theory]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("sethostname")]
    [InlineData("reboot")]
    [InlineData("init_module")]
    [InlineData("settimeofday")]
    [InlineData("acct")]
    [InlineData("bpf")]
    [InlineData("syslog")]
    public void Dockers_default_capabilities_get_none_of_the_syscalls_that_reach_past_the_container(string name) =>
        Assert.Empty(RulesFor(Profile(), name));

    [Theory]
    [InlineData("read")]
    [InlineData("execve")]
    [InlineData("openat")]
    [InlineData("futex")]
    [InlineData("setresuid")]
    [InlineData("capset")]
    [InlineData("prctl")]
    [InlineData("close_range")]
    [InlineData("chroot")]
    [InlineData("wait4")]
    [InlineData("rt_sigreturn")]
    public void Ordinary_syscalls_and_what_the_default_capabilities_allow_are_allowed(string name) =>
        Assert.True(AllowsOutright(Profile(), name), name);

    [Fact]
    public void Without_CAP_SYS_ADMIN_clone_may_not_make_namespaces_and_clone3_says_ENOSYS_so_libc_falls_back()
    {
        var s = Profile();
        var clone = Assert.Single(RulesFor(s, "clone"));
        var arg = Assert.Single(clone.Args!);
        Assert.Equal(("SCMP_CMP_MASKED_EQ", 0u, 0UL), (arg.Op!, arg.Index, arg.ValueTwo));
        Assert.Equal(0x7E020000UL, arg.Value); // NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
        var clone3 = Assert.Single(RulesFor(s, "clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", 38u), (clone3.Action!, clone3.ErrnoRet!.Value));
    }

    [Fact]
    public void CAP_SYS_ADMIN_allows_mounts_namespaces_and_every_clone()
    {
        var s = Profile("CAP_SYS_ADMIN");
        foreach (var name in new[] { "mount", "umount2", "unshare", "setns", "clone", "clone3", "sethostname", "fsopen" })
            Assert.True(AllowsOutright(s, name), name);
        Assert.DoesNotContain(RulesFor(s, "clone3"), r => r.Action == "SCMP_ACT_ERRNO");
    }

    [Theory]
    [InlineData("CAP_SYS_BOOT", "reboot")]
    [InlineData("CAP_SYS_MODULE", "finit_module")]
    [InlineData("CAP_SYS_TIME", "clock_settime")]
    [InlineData("CAP_SYS_PTRACE", "kcmp")]
    [InlineData("CAP_SYS_RAWIO", "iopl")]
    [InlineData("CAP_SYS_PACCT", "acct")]
    [InlineData("CAP_SYS_NICE", "mbind")]
    [InlineData("CAP_SYS_TTY_CONFIG", "vhangup")]
    [InlineData("CAP_SYSLOG", "syslog")]
    [InlineData("CAP_BPF", "bpf")]
    [InlineData("CAP_PERFMON", "perf_event_open")]
    [InlineData("CAP_DAC_READ_SEARCH", "open_by_handle_at")]
    public void A_capability_brings_the_syscalls_it_governs(string cap, string name)
    {
        Assert.False(AllowsOutright(Profile(), name));
        Assert.True(AllowsOutright(Profile(cap), name));
    }

    [Fact]
    public void Dropping_a_default_capability_takes_its_syscall_away()
    {
        var withoutChroot = DefaultSeccomp.For(DockerDefaults.Where(c => c != "CAP_SYS_CHROOT"), SeccompArch.X86_64, Kernel);
        Assert.Empty(RulesFor(withoutChroot, "chroot"));
    }

    [Fact]
    public void Ptrace_is_allowed_from_kernel_4_8_when_the_filter_can_no_longer_be_skipped_through_it()
    {
        Assert.True(AllowsOutright(DefaultSeccomp.For(DockerDefaults, SeccompArch.X86_64, new Version(4, 8)), "ptrace"));
        Assert.False(AllowsOutright(DefaultSeccomp.For(DockerDefaults, SeccompArch.X86_64, new Version(4, 4)), "ptrace"));
        Assert.True(AllowsOutright(DefaultSeccomp.For([.. DockerDefaults, "CAP_SYS_PTRACE"], SeccompArch.X86_64, new Version(4, 4)), "ptrace"));
    }

    [Fact]
    public void Sockets_of_every_family_but_vsock_and_only_the_harmless_personalities_are_allowed()
    {
        var s = Profile();
        var socket = Assert.Single(RulesFor(s, "socket"));
        Assert.Equal(("SCMP_CMP_NE", 0u, 40UL), (socket.Args![0].Op!, socket.Args[0].Index, socket.Args[0].Value));
        var personalities = RulesFor(s, "personality").Select(r => Assert.Single(r.Args!)).ToList();
        Assert.All(personalities, a => Assert.Equal("SCMP_CMP_EQ", a.Op));
        Assert.Equal([0x0UL, 0x8, 0x20000, 0x20008, 0xffffffff], personalities.Select(a => a.Value));
    }

    [Fact]
    public void Architecture_specific_syscalls_follow_the_machine()
    {
        Assert.True(AllowsOutright(Profile(), "arch_prctl"));
        Assert.True(AllowsOutright(Profile(), "modify_ldt"));
        var arm = DefaultSeccomp.For(DockerDefaults, SeccompArch.Aarch64, Kernel);
        Assert.Empty(RulesFor(arm, "arch_prctl"));
        Assert.True(AllowsOutright(arm, "set_tls"));
        Assert.Empty(RulesFor(Profile(), "set_tls"));
    }

    [Fact]
    public void Kernel_release_strings_give_major_and_minor()
    {
        Assert.Equal(new Version(6, 1), DefaultSeccomp.KernelVersion("6.1.0-18-amd64\n"));
        Assert.Equal(new Version(6, 18), DefaultSeccomp.KernelVersion("6.18.44-fc-v782"));
        Assert.Equal(new Version(5, 10), DefaultSeccomp.KernelVersion("5.10"));
    }

    [Fact]
    public void The_profile_for_the_default_and_for_every_capability_compiles_with_libseccomp()
    {
        Assert.NotEmpty(SeccompCompiler.Compile(DefaultSeccomp.For(DockerDefaults)));
        Assert.NotEmpty(SeccompCompiler.Compile(DefaultSeccomp.For(OciSecurity.AllCapabilities)));
    }

    [Fact]
    public void A_container_gets_the_builtin_profile_for_its_own_capabilities()
    {
        var spec = Apply(new ContainerSecurity { CapAdd = ["sys_admin"], CapDrop = ["SYS_CHROOT"] });
        Assert.True(AllowsOutright(spec.Linux!.Seccomp!, "mount"));
        Assert.Empty(RulesFor(spec.Linux.Seccomp!, "chroot"));
        Assert.Empty(RulesFor(Apply(new ContainerSecurity())!.Linux!.Seccomp!, "mount"));
        Assert.NotNull(Apply(new ContainerSecurity { Options = ["seccomp=builtin"] }).Linux!.Seccomp);
    }

    [Fact]
    public void Privileged_and_unconfined_containers_run_without_a_filter_and_a_custom_profile_replaces_the_builtin()
    {
        Assert.Null(Apply(new ContainerSecurity { Privileged = true }).Linux!.Seccomp);
        Assert.Null(Apply(new ContainerSecurity { Options = ["seccomp=unconfined"] }).Linux!.Seccomp);
        const string custom = """{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}""";
        var s = Apply(new ContainerSecurity { Options = ["seccomp=" + custom] }).Linux!.Seccomp!;
        Assert.Equal("SCMP_ACT_ALLOW", s.DefaultAction);
        Assert.Equal(["mkdir"], Assert.Single(s.Syscalls!).Names);
    }

    [Fact]
    public void A_custom_profiles_capability_conditions_are_judged_against_the_containers_capabilities()
    {
        const string custom = """
            {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_BOOT"]}},
             {"names":["chroot"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYS_BOOT"]}}]}
            """;
        Assert.Equal(["chroot"], Assert.Single(Apply(new ContainerSecurity { Options = ["seccomp=" + custom] }).Linux!.Seccomp!.Syscalls!).Names);
        var booted = Apply(new ContainerSecurity { Options = ["seccomp=" + custom], CapAdd = ["SYS_BOOT"] }).Linux!.Seccomp!;
        Assert.Equal(["reboot"], Assert.Single(booted.Syscalls!).Names);
    }

    private static Spec Apply(ContainerSecurity h)
    {
        var spec = new Spec { Process = new Process(), Linux = new Linux() };
        OciSecurity.Apply(spec, h);
        return spec;
    }
}
