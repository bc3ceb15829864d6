#define _GNU_SOURCE
#include "CBayshLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int bayshlinux_rlimit_nproc(void) { return RLIMIT_NPROC; }

int bayshlinux_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int bayshlinux_pidfd_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

// Only async-signal-safe calls between fork and exec: baysh has many threads, and the child gets only this one.
pid_t bayshlinux_spawn_limited(const char *path, char *const argv[], char *const envp[], int in, int out, int err,
                               int extra, const int *resources, const unsigned long long *values, int count) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int code = errno;
        close(report[0]);
        close(report[1]);
        return -code;
    }
    if (pid == 0) {
        int code = 0;
        // A group of its own: the terminal's Ctrl-C and Ctrl-Z are baysh's to handle, not bubblewrap's.
        if (setpgid(0, 0) != 0) code = errno;
        for (int i = 0; i < count && code == 0; i++) {
            struct rlimit limit = {(rlim_t)values[i], (rlim_t)values[i]};
            if (setrlimit(resources[i], &limit) != 0) code = errno;
        }
        // Above 3 first, so that moving one descriptor onto 0..3 cannot overwrite another still to be moved.
        int moved[4] = {in, out, err, extra};
        int places = extra >= 0 ? 4 : 3;
        // The report pipe too: it may sit on 3, which `extra` takes.
        int reporting = fcntl(report[1], F_DUPFD_CLOEXEC, 4);
        if (reporting < 0) code = errno; else report[1] = reporting;
        for (int i = 0; i < places && code == 0; i++) {
            moved[i] = fcntl(moved[i], F_DUPFD_CLOEXEC, 4);
            if (moved[i] < 0) code = errno;
        }
        for (int i = 0; i < places && code == 0; i++) {
            if (dup2(moved[i], i) < 0) code = errno;
        }
        struct sigaction defaults = {0};
        defaults.sa_handler = SIG_DFL;
        for (int signal = 1; signal < NSIG; signal++) sigaction(signal, &defaults, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (code == 0) {
            // Everything but 0..2 (0..3 with `extra`) and the report pipe (closed by exec itself) goes.
            int keep = report[1];
            if (keep > places) syscall(SYS_close_range, places, keep - 1, 0);
            syscall(SYS_close_range, keep + 1, ~0U, 0);
            execve(path, argv, envp);
            code = errno;
        }
        while (write(report[1], &code, sizeof code) < 0 && errno == EINTR) {}
        _exit(127);
    }
    close(report[1]);
    int code = 0;
    ssize_t got;
    while ((got = read(report[0], &code, sizeof code)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (got == sizeof code) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return -code;
    }
    return pid;
}
