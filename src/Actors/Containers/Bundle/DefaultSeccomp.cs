using Berth.Runtime.Oci;

namespace Berth.Actors.Containers.Bundle;

/// <summary>
/// berth's built-in seccomp profile, what docker calls "builtin": a syscall not listed fails with EPERM; the ordinary
/// syscalls of Linux programs are allowed; the ones that reach past the container (mounts, namespaces, modules, clocks,
/// tracing, reboot) only when the container holds the capability that governs them, so --cap-add keeps its meaning.
/// </summary>
public static class DefaultSeccomp
{
    private const string Allow = "SCMP_ACT_ALLOW";
    private const string Errno = "SCMP_ACT_ERRNO";
    private const uint EPERM = 1;
    private const uint ENOSYS = 38;
    private const ulong AF_VSOCK = 40;

    /// <summary>CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: the clone flags that make namespaces.</summary>
    private const ulong NamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    /// <summary>One entry of the table: syscalls, what happens to them, and when the entry is part of the profile.</summary>
    private sealed record Rule(string[] Names)
    {
        public string Action { get; init; } = Allow;
        public uint? ErrnoRet { get; init; }
        public SeccompArg[] Args { get; init; } = [];
        /// <summary>Only when the container holds this capability.</summary>
        public string? WithCap { get; init; }
        /// <summary>Only when the container does not hold this capability.</summary>
        public string? WithoutCap { get; init; }
        /// <summary>Only on these architectures (Go's names, as docker writes them).</summary>
        public string[]? Arches { get; init; }
        public Version? MinKernel { get; init; }

        public bool AppliesTo(IReadOnlySet<string> caps, SeccompArch arch, Version kernel) =>
            (WithCap == null || caps.Contains(WithCap)) &&
            (WithoutCap == null || !caps.Contains(WithoutCap)) &&
            (Arches == null || Arches.Contains(arch.GoName)) &&
            (MinKernel == null || kernel >= MinKernel);
    }

    private static Rule Always(params string[] names) => new(names);
    private static Rule With(string cap, params string[] names) => new(names) { WithCap = cap };

    private static SeccompArg Arg(uint index, string op, ulong value, ulong valueTwo = 0) =>
        new() { Index = index, Op = op, Value = value, ValueTwo = valueTwo };

    // The allowlist, grouped by what the calls touch. Names a kernel or libseccomp does not know are skipped when the
    // profile is compiled (by berth-runtime and runc alike), so 32-bit and newer names can stand here for every arch.
    private static readonly Rule[] Table =
    [
        Always( // files and directories of the container's own tree
            "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chmod", "fchmod", "fchmodat", "fchmodat2",
            "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32", "creat", "open", "openat", "openat2",
            "close", "close_range", "dup", "dup2", "dup3", "link", "linkat", "unlink", "unlinkat", "symlink", "symlinkat",
            "readlink", "readlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "mknod", "mknodat",
            "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx", "statfs",
            "statfs64", "fstatfs", "fstatfs64", "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate",
            "fadvise64", "fadvise64_64", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "flock", "fcntl",
            "fcntl64", "getdents", "getdents64", "lseek", "_llseek", "utime", "utimes", "utimensat", "utimensat_time64",
            "futimesat", "umask", "name_to_handle_at", "copy_file_range", "sendfile", "sendfile64", "splice", "tee",
            "vmsplice", "readahead", "cachestat"),
        Always( // extended attributes
            "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr", "llistxattr",
            "flistxattr", "removexattr", "lremovexattr", "fremovexattr"),
        Always( // reading, writing, waiting on descriptors (io_uring stays out: it bypasses this very filter)
            "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2", "ioctl",
            "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64", "epoll_create",
            "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
            "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_settime64",
            "timerfd_gettime", "timerfd_gettime64", "inotify_init", "inotify_init1", "inotify_add_watch",
            "inotify_rm_watch", "fanotify_mark", "pipe", "pipe2", "io_setup", "io_destroy", "io_submit", "io_cancel",
            "io_getevents", "io_pgetevents", "io_pgetevents_time64"),
        Always( // memory
            "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2",
            "mlockall", "munlock", "munlockall", "membarrier", "memfd_create", "memfd_secret", "remap_file_pages",
            "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack"),
        Always( // processes and threads
            "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid", "kill", "tkill",
            "tgkill", "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "getpriority",
            "setpriority", "getrusage", "prlimit64", "getrlimit", "setrlimit", "ugetrlimit", "prctl", "capget", "capset",
            "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "futex", "futex_time64", "futex_waitv",
            "futex_wake", "futex_wait", "futex_requeue", "get_thread_area", "set_thread_area", "pidfd_open",
            "pidfd_send_signal", "process_mrelease", "seccomp", "restart_syscall", "pause", "times", "uname", "sysinfo",
            "getcpu", "getrandom", "ioprio_get", "ioprio_set", "landlock_create_ruleset", "landlock_add_rule",
            "landlock_restrict_self"),
        Always( // user and group ids: the kernel still checks CAP_SETUID/CAP_SETGID
            "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32", "getresuid",
            "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid",
            "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid", "setresuid32", "setresgid",
            "setresgid32", "setfsuid", "setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32"),
        Always( // signals and timers
            "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait",
            "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "sigprocmask", "sigreturn",
            "alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_settime", "timer_settime64",
            "timer_gettime", "timer_gettime64", "timer_getoverrun"),
        Always( // reading clocks and sleeping (adjtimex/clock_adjtime only read without CAP_SYS_TIME)
            "time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
            "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "adjtimex", "clock_adjtime", "clock_adjtime64"),
        Always( // scheduling
            "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam",
            "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max",
            "sched_get_priority_min", "sched_rr_get_interval", "sched_rr_get_interval_time64"),
        Always( // sockets (socket itself is below, without AF_VSOCK)
            "socketpair", "socketcall", "bind", "listen", "accept", "accept4", "connect", "getsockname", "getpeername",
            "getsockopt", "setsockopt", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg", "recvmmsg",
            "recvmmsg_time64", "shutdown"),
        Always( // System V and POSIX IPC, private to the container's ipc namespace
            "ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
            "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64",
            "mq_timedreceive", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr"),

        // vsock reaches the hypervisor's host, outside every network namespace.
        new(["socket"]) { Args = [Arg(0, "SCMP_CMP_NE", AF_VSOCK)] },
        // Only the personalities programs ask for (Linux, 32-bit uname, 2.6 uname, and the query); the others turn off
        // address-space randomisation or map page zero.
        new(["personality"]) { Args = [Arg(0, "SCMP_CMP_EQ", 0x0)] },
        new(["personality"]) { Args = [Arg(0, "SCMP_CMP_EQ", 0x0008)] },
        new(["personality"]) { Args = [Arg(0, "SCMP_CMP_EQ", 0x20000)] },
        new(["personality"]) { Args = [Arg(0, "SCMP_CMP_EQ", 0x20008)] },
        new(["personality"]) { Args = [Arg(0, "SCMP_CMP_EQ", 0xffffffff)] },
        new(["arch_prctl"]) { Arches = ["amd64", "x32"] },
        new(["modify_ldt"]) { Arches = ["amd64", "x32", "x86"] },
        new(["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"]) { Arches = ["arm", "arm64"] },
        // Before 4.8 ptrace could be used to skip the filter; since then the tracee is re-checked.
        new(["ptrace", "process_vm_readv", "process_vm_writev"]) { MinKernel = new Version(4, 8) },

        // Without CAP_SYS_ADMIN: clone only without namespace flags, and clone3 (whose flags live in memory the
        // filter cannot read) says ENOSYS so that libc falls back to clone.
        new(["clone"]) { WithoutCap = "CAP_SYS_ADMIN", Args = [Arg(0, "SCMP_CMP_MASKED_EQ", NamespaceFlags, 0)] },
        new(["clone3"]) { WithoutCap = "CAP_SYS_ADMIN", Action = Errno, ErrnoRet = ENOSYS },

        With("CAP_SYS_ADMIN",
            "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie",
            "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
            "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare"),
        With("CAP_DAC_READ_SEARCH", "open_by_handle_at"),
        With("CAP_SYS_BOOT", "reboot"),
        With("CAP_SYS_CHROOT", "chroot"),
        With("CAP_SYS_MODULE", "init_module", "finit_module", "delete_module"),
        With("CAP_SYS_PACCT", "acct"),
        With("CAP_SYS_PTRACE", "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"),
        With("CAP_SYS_RAWIO", "iopl", "ioperm"),
        With("CAP_SYS_TIME", "settimeofday", "stime", "clock_settime", "clock_settime64"),
        With("CAP_SYS_TTY_CONFIG", "vhangup"),
        With("CAP_SYS_NICE", "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
        With("CAP_SYSLOG", "syslog"),
        With("CAP_BPF", "bpf"),
        With("CAP_PERFMON", "perf_event_open"),
    ];

    /// <summary>The profile for a container holding <paramref name="capabilities"/> (CAP_* names), on this machine.</summary>
    public static Seccomp For(IEnumerable<string> capabilities) => For(capabilities, SeccompArch.Host, HostKernel.Value);

    /// <summary>The profile for a container holding <paramref name="capabilities"/> on the given architecture and kernel.</summary>
    public static Seccomp For(IEnumerable<string> capabilities, SeccompArch arch, Version kernel)
    {
        var caps = capabilities.ToHashSet(StringComparer.Ordinal);
        return new Seccomp
        {
            DefaultAction = Errno,
            DefaultErrnoRet = EPERM,
            Architectures = arch.All,
            Syscalls = Table.Where(r => r.AppliesTo(caps, arch, kernel)).Select(r => new SeccompSyscall
            {
                Names = [.. r.Names],
                Action = r.Action,
                ErrnoRet = r.ErrnoRet,
                Args = r.Args.Length == 0 ? null : r.Args.Select(a => Arg(a.Index, a.Op!, a.Value, a.ValueTwo)).ToList(),
            }).ToList(),
        };
    }

    private static readonly Lazy<Version> HostKernel = new(() => KernelVersion(File.ReadAllText("/proc/sys/kernel/osrelease")));

    /// <summary>major.minor of a kernel release string such as "6.1.0-18-amd64".</summary>
    public static Version KernelVersion(string release)
    {
        var parts = release.Trim().Split('.', 3);
        static int Leading(string s) => int.TryParse(new string(s.TakeWhile(char.IsAsciiDigit).ToArray()), out var n) ? n : 0;
        return new Version(Leading(parts[0]), parts.Length > 1 ? Leading(parts[1]) : 0);
    }
}
