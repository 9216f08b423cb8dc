/*
 * berth-init: what docker-init (tini) is for `docker run --init`. It runs as pid 1 of the container,
 * starts the real command as its child, forwards every catchable signal to it, reaps every
 * orphan that the kernel re-parents to pid 1, and exits with the child's status (128+signal when
 * the child was killed by a signal), so the container's exit code is the command's.
 *
 * Usage: berth-init [--] command [args...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0) first++;
    if (first >= argc) {
        fprintf(stderr, "usage: berth-init [--] command [args...]\n");
        return 2;
    }

    sigset_t all, original;
    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, &original) < 0) {
        fprintf(stderr, "berth-init: sigprocmask: %s\n", strerror(errno));
        return 1;
    }

    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "berth-init: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        if (sigprocmask(SIG_SETMASK, &original, NULL) < 0) {
            fprintf(stderr, "berth-init: sigprocmask: %s\n", strerror(errno));
            _exit(1);
        }
        execvp(argv[first], &argv[first]);
        fprintf(stderr, "berth-init: exec %s: %s\n", argv[first], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }

    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "berth-init: sigwaitinfo: %s\n", strerror(errno));
            return 1;
        }
        if (sig != SIGCHLD) {
            /* The child may already be gone; ESRCH is not an error worth reporting. */
            if (kill(child, sig) < 0 && errno != ESRCH) fprintf(stderr, "berth-init: kill %d: %s\n", sig, strerror(errno));
            continue;
        }
        /* SIGCHLD coalesces: reap everything that has exited. */
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            if (pid == child) {
                if (WIFEXITED(status)) return WEXITSTATUS(status);
                if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            }
        }
    }
}
