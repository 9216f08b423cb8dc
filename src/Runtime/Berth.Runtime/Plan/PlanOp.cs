namespace Berth.Runtime.Plan;

/// <summary>Operation codes of the init plan; must match the enum in src/Runtime/Init/init.c.</summary>
public enum PlanOp : uint
{
    // Stage 0: in the caller's namespaces, before the clone.
    SetNs = 1, Rlimit = 2, OomScoreAdj = 3, Clone = 4,
    // The container process, in order.
    Propagation = 10, Rootfs = 11, Mount = 12, Mknod = 13, Symlink = 14, Mkdir = 15, SyncHooks = 16,
    Hook = 17, Pivot = 18, Sysctl = 19, Hostname = 20, Domainname = 21, Mask = 22, Readonly = 23,
    RootReadonly = 24, Setsid = 25, Console = 26, NoNewPrivs = 27, Creds = 28, Seccomp = 29, Cwd = 30,
    PrepareExec = 31, Ready = 32, Exec = 33, Umask = 34, Remount = 35,
}
