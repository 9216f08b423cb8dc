/*
 * berth-runtime-init: the clone -> execve window of berth-runtime.
 *
 * This program interprets nothing. The C# front end (Berth.Runtime/Plan) sends an ordered list
 * of operations; we execute them in order and report the first failure back over the sync
 * socket as "E<message>". Everything that needs a decision (which namespaces, which mounts,
 * which capabilities) was decided in C#.
 *
 * Usage: berth-runtime-init <sync-fd> <plan-fd> <first-private-fd>
 *   sync-fd   SOCK_SEQPACKET socket to the front end (messages below)
 *   plan-fd   memfd holding the plan (see Plan/PlanOp.cs for the encoding)
 *   first-private-fd  every fd >= this one belongs to the runtime and must never reach the
 *             container (fds 3 .. first-private-fd-1 are the caller's --preserve-fds)
 *
 * The front end first sends "G" once the init is in the container's cgroup.
 * Messages to the front end: "P"+int32 pid (stage 0, host pid of the container process),
 * "H" (paused for hooks, expects "C"+state json), "R" (ready, environment complete),
 * "E"+text (failure; the process exits 1 afterwards).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Operation codes; must match Berth.Runtime/Plan/PlanOp.cs. */
enum {
    OP_SETNS = 1, OP_RLIMIT = 2, OP_OOM_SCORE_ADJ = 3, OP_CLONE = 4, OP_SETNS_ALL_DONE = 5,
    OP_PROPAGATION = 10, OP_ROOTFS = 11, OP_MOUNT = 12, OP_MKNOD = 13, OP_SYMLINK = 14,
    OP_MKDIR = 15, OP_SYNC_HOOKS = 16, OP_HOOK = 17, OP_PIVOT = 18, OP_SYSCTL = 19,
    OP_HOSTNAME = 20, OP_DOMAINNAME = 21, OP_MASK = 22, OP_READONLY = 23, OP_ROOT_READONLY = 24,
    OP_SETSID = 25, OP_CONSOLE = 26, OP_NNP = 27, OP_CREDS = 28, OP_SECCOMP = 29, OP_CWD = 30,
    OP_PREPARE_EXEC = 31, OP_READY = 32, OP_EXEC = 33, OP_UMASK = 34, OP_REMOUNT = 35,
};

static int sync_fd = -1;
static int first_private_fd = 3;
static const char *phase = "init";
static char *state_json;          /* state handed over by the front end at the hooks pause */
static size_t state_json_len;
static char *exec_path;           /* resolved before the container is reported ready */
static char **exec_argv, **exec_envp;
static int exec_fifo_fd = -1;     /* write end of the exec fifo, held open by `start` */

static void send_msg(const char *buf, size_t len)
{
    if (sync_fd >= 0)
        while (send(sync_fd, buf, len, MSG_NOSIGNAL) < 0 && errno == EINTR)
            ;
}

/* Reports a failure and ends this process. Every failing call goes through here. */
static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
    char msg[4096];
    int e = errno;
    int n = snprintf(msg, sizeof msg, "E%s: ", phase);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(msg + n, sizeof msg - n, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof msg - 1) n = sizeof msg - 1;
    (void)e;
    send_msg(msg, (size_t)n);
    _exit(1);
}
#define SYSFAIL(call, path) fail("%s(%s): %s", call, path, strerror(errno))

/* ---- plan reader ---------------------------------------------------------------------- */
struct rd { const unsigned char *p; size_t n; };

static uint32_t get_u32(struct rd *r)
{
    uint32_t v;
    if (r->n < 4) fail("plan truncated");
    memcpy(&v, r->p, 4); r->p += 4; r->n -= 4;
    return v;
}
static uint64_t get_u64(struct rd *r)
{
    uint64_t v;
    if (r->n < 8) fail("plan truncated");
    memcpy(&v, r->p, 8); r->p += 8; r->n -= 8;
    return v;
}
/* Strings are u32 length (without NUL) + bytes + NUL. */
static const char *get_str(struct rd *r)
{
    uint32_t len = get_u32(r);
    if (r->n < (size_t)len + 1 || r->p[len] != 0) fail("plan string malformed");
    const char *s = (const char *)r->p;
    r->p += len + 1; r->n -= len + 1;
    return s;
}
static const unsigned char *get_bytes(struct rd *r, uint32_t *len)
{
    *len = get_u32(r);
    if (r->n < *len) fail("plan bytes truncated");
    const unsigned char *b = r->p;
    r->p += *len; r->n -= *len;
    return b;
}
static char **get_strlist(struct rd *r)
{
    uint32_t n = get_u32(r);
    char **v = calloc(n + 1, sizeof *v);
    if (!v) fail("out of memory");
    for (uint32_t i = 0; i < n; i++) v[i] = (char *)get_str(r);
    return v;
}

/* ---- small helpers -------------------------------------------------------------------- */
static int root_fd = -1;   /* the container rootfs (before pivot_root) */
static int pivoted;

static int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
    struct open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/*
 * Opens `path` (absolute in the container) as O_PATH without ever leaving the rootfs:
 * openat2(RESOLVE_IN_ROOT) makes "..", absolute symlinks and "/" stay inside root_fd.
 * Missing components are created (directories, or a file for the last one when `file`).
 */
static int open_in_root(const char *path, int create, int file)
{
    int fd = sys_openat2(root_fd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0 || errno != ENOENT || !create) return fd;
    char buf[4096];
    if (strlen(path) >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    strcpy(buf, path);
    int dir = dup(root_fd);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        int last = save == NULL || *save == 0;
        int next = sys_openat2(dir, c, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        if (next < 0 && errno == ENOENT) {
            /* mkdirat/openat on an O_PATH dirfd + plain name: no resolution left to escape. */
            int rc;
            if (last && file) {
                char procpath[64];
                snprintf(procpath, sizeof procpath, "/proc/self/fd/%d", dir);
                int real = open(procpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (real < 0) { close(dir); return -1; }
                rc = openat(real, c, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
                close(real);
                if (rc >= 0) close(rc);
            } else {
                rc = mkdirat(dir, c, 0755);
            }
            if (rc < 0 && errno != EEXIST) { close(dir); return -1; }
            next = sys_openat2(dir, c, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        }
        close(dir);
        if (next < 0) return -1;
        dir = next;
    }
    return dir;
}

/* Resolves a container path for a mount target; returns an fd path usable by mount(2). */
static int target_fd(const char *path, int create, int file, char *out, size_t outlen)
{
    int fd;
    if (pivoted) fd = open(path, O_PATH | O_CLOEXEC);
    else fd = open_in_root(path, create, file);
    if (fd < 0) return -1;
    snprintf(out, outlen, "/proc/self/fd/%d", fd);
    return fd;
}

static void write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) SYSFAIL("open", path);
    size_t len = strlen(data);
    if (write(fd, data, len) != (ssize_t)len) SYSFAIL("write", path);
    close(fd);
}

static unsigned long locked_flags(const char *path)
{
    struct statvfs s;
    unsigned long f = 0;
    if (statvfs(path, &s) < 0) return 0;
    if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (s.f_flag & ST_NODEV) f |= MS_NODEV;
    if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (s.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (s.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (s.f_flag & ST_RELATIME) f |= MS_RELATIME;
    if (s.f_flag & ST_RDONLY) f |= MS_RDONLY;
    return f;
}

/* ---- stage 0: runs in the caller's namespaces, clones the container process ------------ */
static void op_setns(struct rd *r)
{
    uint32_t type = get_u32(r);
    const char *path = get_str(r);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) SYSFAIL("open", path);
    if (setns(fd, (int)type) < 0) SYSFAIL("setns", path);
    close(fd);
}

static void op_rlimit(struct rd *r)
{
    uint32_t res = get_u32(r);
    struct rlimit l = { .rlim_cur = get_u64(r), .rlim_max = get_u64(r) };
    if (setrlimit((int)res, &l) < 0) fail("setrlimit(%u): %s", res, strerror(errno));
}

static void write_map(pid_t pid, const char *file, const char *map)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    write_file(path, map);
}

/* Returns in the child; stage 0 itself ends here after reporting the pid. */
static void op_clone(struct rd *r)
{
    uint32_t flags = get_u32(r);
    const char *uidmap = get_str(r);
    const char *gidmap = get_str(r);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) SYSFAIL("pipe2", "maps");
    /* CLONE_PARENT: the container process becomes a child of the front end (and so of whoever
     * is the subreaper once it exits), not of this short-lived stage. */
    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) fail("clone(flags=0x%x): %s", flags, strerror(errno));
    if (pid == 0) {
        close(p[1]);
        char b;
        phase = "container init";
        if (read(p[0], &b, 1) != 1) _exit(1); /* stage 0 failed and told the front end */
        close(p[0]);
        if (flags & CLONE_NEWUSER) {
            if (setresgid(0, 0, 0) < 0) SYSFAIL("setresgid", "0");
            if (setresuid(0, 0, 0) < 0) SYSFAIL("setresuid", "0");
        }
        return;
    }
    close(p[0]);
    if (flags & CLONE_NEWUSER) {
        if (*gidmap) write_map(pid, "gid_map", gidmap);
        if (*uidmap) write_map(pid, "uid_map", uidmap);
    }
    char msg[5] = { 'P' };
    memcpy(msg + 1, &pid, 4);
    send_msg(msg, sizeof msg);
    if (write(p[1], "g", 1) != 1) SYSFAIL("write", "maps pipe");
    _exit(0);
}

/* ---- container process: mounts --------------------------------------------------------- */
static void op_propagation(struct rd *r)
{
    uint32_t flags = get_u32(r);
    if (mount(NULL, "/", NULL, flags, NULL) < 0) SYSFAIL("mount propagation", "/");
}

static void op_rootfs(struct rd *r)
{
    const char *path = get_str(r);
    if (mount(path, path, "bind", MS_BIND | MS_REC, NULL) < 0) SYSFAIL("mount bind", path);
    root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) SYSFAIL("open", path);
    if (chdir(path) < 0) SYSFAIL("chdir", path);
}

static void op_mount(struct rd *r)
{
    const char *src = get_str(r), *dst = get_str(r), *type = get_str(r);
    uint32_t flags = get_u32(r), prop = get_u32(r);
    const char *data = get_str(r);
    char target[64];
    int is_bind = (flags & MS_BIND) != 0;
    int file = 0;
    if (is_bind) {
        struct stat st;
        if (stat(src, &st) < 0) SYSFAIL("stat", src);
        file = !S_ISDIR(st.st_mode);
    }
    int fd = target_fd(dst, 1, file, target, sizeof target);
    if (fd < 0) SYSFAIL("resolve mount target in rootfs", dst);
    unsigned long first = is_bind ? (flags & (MS_BIND | MS_REC)) : flags;
    if (mount(src, target, *type ? type : NULL, first, *data ? data : NULL) < 0) {
        /* sysfs needs a network namespace owned by our user namespace; fall back to the
         * host's /sys, read-only, as runc does. */
        if (errno == EPERM && strcmp(type, "sysfs") == 0) {
            if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) < 0) SYSFAIL("mount rbind /sys", dst);
            is_bind = 1;
        } else {
            fail("mount(%s, %s, %s): %s", src, dst, type, strerror(errno));
        }
    }
    close(fd);
    /* Reopen: the fd above points below the new mount. */
    fd = target_fd(dst, 0, file, target, sizeof target);
    if (fd < 0) SYSFAIL("resolve mounted target", dst);
    unsigned long extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                                   MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME);
    if (is_bind && extra) {
        if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | extra | (locked_flags(target) & ~MS_RDONLY), NULL) < 0)
            SYSFAIL("remount bind", dst);
    }
    if (prop && mount(NULL, target, NULL, prop, NULL) < 0) SYSFAIL("mount propagation", dst);
    close(fd);
}

/* Remounts an existing mount with new flags (used for a read-only /dev or cgroup tmpfs). */
static void op_remount(struct rd *r)
{
    const char *dst = get_str(r);
    uint32_t flags = get_u32(r);
    char target[64];
    int fd = target_fd(dst, 0, 0, target, sizeof target);
    if (fd < 0) SYSFAIL("resolve", dst);
    if (mount(NULL, target, NULL, MS_REMOUNT | flags | locked_flags(target), NULL) < 0) SYSFAIL("remount", dst);
    close(fd);
}

static void op_mkdir(struct rd *r)
{
    const char *path = get_str(r);
    uint32_t mode = get_u32(r);
    (void)mode;
    int fd = open_in_root(path, 1, 0);
    if (fd < 0) SYSFAIL("mkdir in rootfs", path);
    close(fd);
}

/* Opens the parent directory of path inside the rootfs (no escape through symlinks) and returns a real
 * directory fd; *name gets the last component, kept in the caller's buffer. */
static int open_parent_in_root(const char *path, char *buf, size_t len, const char **name, const char *what)
{
    snprintf(buf, len, "%s", path);
    char *slash = strrchr(buf, '/');
    *name = slash ? slash + 1 : buf;
    if (slash) *slash = 0;
    int dir = open_in_root(*buf ? buf : "/", 1, 0);
    if (dir < 0) SYSFAIL(what, path);
    char procdir[64];
    snprintf(procdir, sizeof procdir, "/proc/self/fd/%d", dir);
    int real = open(procdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (real < 0) SYSFAIL("open", path);
    close(dir);
    return real;
}

static void op_mknod(struct rd *r)
{
    const char *path = get_str(r);
    uint32_t mode = get_u32(r), maj = get_u32(r), min = get_u32(r), uid = get_u32(r), gid = get_u32(r);
    /* Parent directory inside the rootfs, then a plain name: nothing to escape through. */
    char dirpath[4096];
    const char *name;
    int real = open_parent_in_root(path, dirpath, sizeof dirpath, &name, "resolve device dir");
    unlinkat(real, name, 0);
    mode_t m = (mode_t)mode;
    if (mknodat(real, name, m, makedev(maj, min)) < 0) {
        if (errno != EPERM) SYSFAIL("mknod", path);
        /* In a user namespace mknod is refused: bind the host's node instead. */
        int f = openat(real, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (f < 0) SYSFAIL("create bind target", path);
        close(f);
        char target[64];
        int t = open_in_root(path, 0, 1);
        if (t < 0) SYSFAIL("resolve", path);
        snprintf(target, sizeof target, "/proc/self/fd/%d", t);
        if (mount(path, target, NULL, MS_BIND, NULL) < 0) SYSFAIL("mount bind device", path);
        close(t);
    } else {
        if (fchmodat(real, name, m & 07777, 0) < 0) SYSFAIL("chmod", path);
        if (fchownat(real, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) SYSFAIL("chown", path);
    }
    close(real);
}

static void op_symlink(struct rd *r)
{
    const char *target = get_str(r), *path = get_str(r);
    char dirpath[4096];
    const char *name;
    int real = open_parent_in_root(path, dirpath, sizeof dirpath, &name, "resolve symlink dir");
    if (symlinkat(target, real, name) < 0 && errno != EEXIST) SYSFAIL("symlink", path);
    close(real);
}

static void op_pivot(void)
{
    int newroot = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (newroot < 0) SYSFAIL("open", "rootfs");
    if (syscall(SYS_pivot_root, ".", ".") < 0) SYSFAIL("pivot_root", ".");
    /* The old root now sits on top of the new one: detach it without propagating to the host. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) SYSFAIL("mount rslave", "old root");
    if (umount2(".", MNT_DETACH) < 0) SYSFAIL("umount2", "old root");
    if (fchdir(newroot) < 0 || chdir("/") < 0) SYSFAIL("chdir", "/");
    close(newroot);
    close(root_fd);
    root_fd = -1;
    pivoted = 1;
}

static void op_sysctl(struct rd *r)
{
    const char *key = get_str(r), *value = get_str(r);
    char path[512];
    snprintf(path, sizeof path, "/proc/sys/%s", key);
    for (char *c = path + 10; *c; c++) if (*c == '.') *c = '/';
    write_file(path, value);
}

static void op_mask(struct rd *r)
{
    const char *path = get_str(r);
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT) return;
        SYSFAIL("stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0) SYSFAIL("mount tmpfs", path);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
        SYSFAIL("mount bind /dev/null", path);
    }
}

static void op_readonly(struct rd *r)
{
    const char *path = get_str(r);
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT) return;
        SYSFAIL("mount bind", path);
    }
    unsigned long f = locked_flags(path) | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | f, NULL) < 0) SYSFAIL("remount ro", path);
}

static void op_root_readonly(void)
{
    if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
        SYSFAIL("remount ro", "/");
}

/* ---- hooks ------------------------------------------------------------------------------ */
static void op_sync_hooks(void)
{
    static char buf[1 << 16];
    send_msg("H", 1);
    ssize_t n;
    while ((n = recv(sync_fd, buf, sizeof buf - 1, 0)) < 0 && errno == EINTR)
        ;
    if (n <= 0) fail("front end went away while waiting for hooks");
    if (buf[0] == 'X') _exit(1); /* a hook failed; the front end reports it */
    if (buf[0] != 'C') fail("unexpected sync message '%c'", buf[0]);
    buf[n] = 0;
    state_json = buf + 1;
    state_json_len = (size_t)n - 1;
}

/* Runs a hook with the state JSON on stdin; fails on a non-zero exit or a timeout. */
static void op_hook(struct rd *r)
{
    const char *path = get_str(r);
    char **argv = get_strlist(r), **envp = get_strlist(r);
    uint32_t timeout = get_u32(r);
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) SYSFAIL("pipe2", path);
    pid_t pid = fork();
    if (pid < 0) SYSFAIL("fork", path);
    if (pid == 0) {
        dup2(in[0], 0);
        execve(path, argv[0] ? argv : (char *[]){ (char *)path, NULL }, envp);
        _exit(127);
    }
    close(in[0]);
    if (state_json_len && write(in[1], state_json, state_json_len) < 0 && errno != EPIPE) SYSFAIL("write", "hook stdin");
    close(in[1]);
    int status;
    time_t deadline = timeout ? time(NULL) + timeout : 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, timeout ? WNOHANG : 0);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) SYSFAIL("waitpid", path);
        if (timeout && time(NULL) >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            errno = ETIMEDOUT;
            fail("hook %s timed out after %us", path, timeout);
        }
        if (timeout) usleep(10000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("hook %s failed with status %d", path, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* ---- identity, console, credentials ---------------------------------------------------- */
static void op_console(struct rd *r)
{
    uint32_t sock = get_u32(r), rows = get_u32(r), cols = get_u32(r), uid = get_u32(r), gid = get_u32(r);
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) SYSFAIL("open", "/dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) SYSFAIL("ioctl TIOCSPTLCK", "/dev/ptmx");
    int n;
    if (ioctl(master, TIOCGPTN, &n) < 0) SYSFAIL("ioctl TIOCGPTN", "/dev/ptmx");
    char name[64];
    snprintf(name, sizeof name, "/dev/pts/%d", n);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) SYSFAIL("ioctl TIOCGPTPEER", name);
    if (fchown(slave, uid, gid) < 0) SYSFAIL("fchown", name);
    if (rows || cols) {
        struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0) SYSFAIL("ioctl TIOCSWINSZ", name);
    }
    int c = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (c >= 0) close(c);
    if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0) SYSFAIL("mount bind", "/dev/console");
    if (ioctl(slave, TIOCSCTTY, 0) < 0) SYSFAIL("ioctl TIOCSCTTY", name);
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0) SYSFAIL("dup2", name);
    close(slave);

    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = { .iov_base = name, .iov_len = strlen(name) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &master, sizeof(int));
    if (sendmsg((int)sock, &msg, MSG_NOSIGNAL) < 0) SYSFAIL("sendmsg", "console socket");
    close(master);
    close((int)sock);
}

static void op_creds(struct rd *r)
{
    uint32_t uid = get_u32(r), gid = get_u32(r), ngroups = get_u32(r);
    gid_t groups[1024];
    if (ngroups > 1024) fail("too many additional gids");
    for (uint32_t i = 0; i < ngroups; i++) groups[i] = get_u32(r);
    uint32_t last_cap = get_u32(r);
    uint64_t bnd = get_u64(r), eff = get_u64(r), perm = get_u64(r), inh = get_u64(r), amb = get_u64(r);

    for (uint32_t c = 0; c <= last_cap; c++)
        if (!(bnd & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
            fail("prctl(PR_CAPBSET_DROP, %u): %s", c, strerror(errno));
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) SYSFAIL("prctl", "PR_SET_KEEPCAPS");
    if (setgroups(ngroups, groups) < 0) SYSFAIL("setgroups", "additionalGids");
    if (setresgid(gid, gid, gid) < 0) fail("setresgid(%u): %s", gid, strerror(errno));
    if (setresuid(uid, uid, uid) < 0) fail("setresuid(%u): %s", uid, strerror(errno));
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) SYSFAIL("prctl", "PR_SET_KEEPCAPS");

    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct d[2] = {
        { .effective = (uint32_t)eff, .permitted = (uint32_t)perm, .inheritable = (uint32_t)inh },
        { .effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(perm >> 32), .inheritable = (uint32_t)(inh >> 32) },
    };
    if (syscall(SYS_capset, &h, d) < 0) SYSFAIL("capset", "process.capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) SYSFAIL("prctl", "PR_CAP_AMBIENT_CLEAR_ALL");
    for (uint32_t c = 0; c <= last_cap; c++)
        if ((amb & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 && errno != EPERM)
            fail("prctl(PR_CAP_AMBIENT_RAISE, %u): %s", c, strerror(errno));
}

static void op_seccomp(struct rd *r)
{
    uint32_t flags = get_u32(r), len;
    const unsigned char *bpf = get_bytes(r, &len);
    if (len % sizeof(struct sock_filter)) fail("seccomp program length %u is not a multiple of 8", len);
    struct sock_filter *filter = malloc(len);
    if (!filter) fail("out of memory");
    memcpy(filter, bpf, len);
    struct sock_fprog prog = { .len = (unsigned short)(len / sizeof(struct sock_filter)), .filter = filter };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) SYSFAIL("seccomp", "SECCOMP_SET_MODE_FILTER");
}

static void op_cwd(struct rd *r)
{
    const char *cwd = get_str(r);
    if (chdir(cwd) < 0) SYSFAIL("chdir", cwd);
}

static const char *env_get(char **envp, const char *name)
{
    size_t n = strlen(name);
    for (; *envp; envp++)
        if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') return *envp + n + 1;
    return NULL;
}

/* execvp's search, but with the container's PATH, done before the container is "created". */
static void op_prepare_exec(struct rd *r)
{
    exec_argv = get_strlist(r);
    exec_envp = get_strlist(r);
    if (!exec_argv[0]) fail("process.args is empty");
    const char *file = exec_argv[0];
    if (strchr(file, '/')) {
        if (access(file, X_OK) < 0) fail("exec: \"%s\": %s", file, strerror(errno));
        exec_path = (char *)file;
        return;
    }
    const char *path = env_get(exec_envp, "PATH");
    if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char buf[4096];
    for (const char *p = path;; ) {
        const char *end = strchrnul(p, ':');
        int len = (int)(end - p);
        snprintf(buf, sizeof buf, "%.*s%s%s", len, p, len ? "/" : "", file);
        struct stat st;
        if (access(buf, X_OK) == 0 && stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
            exec_path = strdup(buf);
            return;
        }
        if (!*end) break;
        p = end + 1;
    }
    errno = ENOENT;
    fail("exec: \"%s\": executable file not found in $PATH", file);
}

/* Reports readiness and, for create, blocks on the exec fifo until `start` opens it. */
static void op_ready(struct rd *r)
{
    int32_t fifo = (int32_t)get_u32(r);
    send_msg("R", 1);
    if (fifo < 0) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fifo);
    /* Blocks until `start` opens the read end. The byte is written just before execve, and
     * close-on-exec closes the fd at exec: `start` sees EOF only once the program runs. */
    exec_fifo_fd = open(path, O_WRONLY | O_CLOEXEC);
    if (exec_fifo_fd < 0) SYSFAIL("open", "exec fifo");
    close(fifo);
}

static void op_exec(void)
{
    /* Nothing of the runtime may survive exec (CVE-2024-21626): everything above the
     * preserved fds is close-on-exec. */
    if (syscall(SYS_close_range, first_private_fd, ~0U, CLOSE_RANGE_CLOEXEC) < 0) SYSFAIL("close_range", "fds");
    if (exec_fifo_fd >= 0 && write(exec_fifo_fd, "0", 1) != 1) SYSFAIL("write", "exec fifo");
    execve(exec_path, exec_argv, exec_envp);
    fail("exec(%s): %s", exec_path, strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "berth-runtime-init is started by berth-runtime only\n");
        return 2;
    }
    sync_fd = atoi(argv[1]);
    int plan_fd = atoi(argv[2]);
    first_private_fd = atoi(argv[3]);
    if (syscall(SYS_close_range, first_private_fd, ~0U, CLOSE_RANGE_CLOEXEC) < 0) SYSFAIL("close_range", "fds");
    /* Nobody may ptrace or read our memory while we hold host resources. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    struct stat st;
    if (fstat(plan_fd, &st) < 0) SYSFAIL("fstat", "plan");
    unsigned char *plan = malloc((size_t)st.st_size + 1);
    if (!plan) fail("out of memory");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = pread(plan_fd, plan + got, (size_t)st.st_size - got, (off_t)got);
        if (n <= 0) SYSFAIL("read", "plan");
        got += (size_t)n;
    }
    close(plan_fd);
    /* The front end moves us into the container's cgroup first, then says go. */
    char go;
    ssize_t gn;
    while ((gn = recv(sync_fd, &go, 1, 0)) < 0 && errno == EINTR)
        ;
    if (gn != 1 || go != 'G') _exit(1);

    struct rd all = { plan, got };
    if (get_u32(&all) != 0x48545242) fail("plan has a bad magic number");

    while (all.n) {
        uint32_t op = get_u32(&all), len = get_u32(&all);
        if (all.n < len) fail("plan op %u truncated", op);
        struct rd r = { all.p, len };
        all.p += len; all.n -= len;
        switch (op) {
        case OP_SETNS: phase = "join namespace"; op_setns(&r); break;
        case OP_RLIMIT: phase = "rlimits"; op_rlimit(&r); break;
        case OP_OOM_SCORE_ADJ: phase = "oomScoreAdj"; write_file("/proc/self/oom_score_adj", get_str(&r)); break;
        case OP_CLONE: phase = "clone"; op_clone(&r); prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); break;
        case OP_PROPAGATION: phase = "rootfs propagation"; op_propagation(&r); break;
        case OP_ROOTFS: phase = "rootfs"; op_rootfs(&r); break;
        case OP_MOUNT: phase = "mounts"; op_mount(&r); break;
        case OP_REMOUNT: phase = "mounts"; op_remount(&r); break;
        case OP_MKNOD: phase = "devices"; op_mknod(&r); break;
        case OP_SYMLINK: phase = "devices"; op_symlink(&r); break;
        case OP_MKDIR: phase = "mkdir"; op_mkdir(&r); break;
        case OP_SYNC_HOOKS: phase = "hooks"; op_sync_hooks(); break;
        case OP_HOOK: phase = "hooks"; op_hook(&r); break;
        case OP_PIVOT: phase = "pivot_root"; op_pivot(); break;
        case OP_SYSCTL: phase = "linux.sysctl"; op_sysctl(&r); break;
        case OP_HOSTNAME: { phase = "hostname"; const char *h = get_str(&r); if (sethostname(h, strlen(h)) < 0) SYSFAIL("sethostname", h); break; }
        case OP_DOMAINNAME: { phase = "domainname"; const char *h = get_str(&r); if (setdomainname(h, strlen(h)) < 0) SYSFAIL("setdomainname", h); break; }
        case OP_MASK: phase = "linux.maskedPaths"; op_mask(&r); break;
        case OP_READONLY: phase = "linux.readonlyPaths"; op_readonly(&r); break;
        case OP_ROOT_READONLY: phase = "root.readonly"; op_root_readonly(); break;
        case OP_SETSID: phase = "setsid"; if (setsid() < 0) SYSFAIL("setsid", "-"); break;
        case OP_CONSOLE: phase = "console"; op_console(&r); break;
        case OP_NNP: phase = "noNewPrivileges"; if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) SYSFAIL("prctl", "PR_SET_NO_NEW_PRIVS"); break;
        case OP_CREDS: phase = "process.user"; op_creds(&r); break;
        case OP_SECCOMP: phase = "linux.seccomp"; op_seccomp(&r); break;
        case OP_CWD: phase = "process.cwd"; op_cwd(&r); break;
        case OP_UMASK: umask((mode_t)get_u32(&r)); break;
        case OP_PREPARE_EXEC: phase = "process.args"; op_prepare_exec(&r); break;
        case OP_READY: phase = "start"; op_ready(&r); break;
        case OP_EXEC: phase = "exec"; op_exec(); break;
        default: fail("unknown plan op %u", op);
        }
    }
    fail("plan ended without exec");
}
