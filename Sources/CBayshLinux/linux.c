#define _GNU_SOURCE
#include "CBayshLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int bayshlinux_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int bayshlinux_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int bayshlinux_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int bayshlinux_rename_noreplace(const char *source, const char *destination) {
    return renameat2(AT_FDCWD, source, AT_FDCWD, destination, RENAME_NOREPLACE);
}

int bayshlinux_rename_exchange(const char *first, const char *second) {
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
}

int bayshlinux_renameat_noreplace(int from_dir, const char *from_name, int to_dir, const char *to_name) {
    return renameat2(from_dir, from_name, to_dir, to_name, RENAME_NOREPLACE);
}

// 1: openat2 works; 0: the kernel lacks it (ENOSYS, before 5.6, or a seccomp profile that answers ENOSYS, as
// container runtimes do for calls they do not know); -1: not tried yet.
static int openat2_state = -1;

static int open_with_openat2(int root_fd, const char *path, int flags, unsigned int mode) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd;
    do {
        fd = (int)syscall(SYS_openat2, root_fd, path[0] == 0 ? "." : path, &how, sizeof how);
    } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
    return fd;
}

// The fallback: each folder on the way opened with O_PATH | O_DIRECTORY | O_NOFOLLOW from the one before, so a
// component swapped for a symlink at any moment fails (ELOOP or ENOTDIR) instead of being followed.
static int open_by_walking(int root_fd, const char *path, int flags, unsigned int mode) {
    size_t length = strlen(path);
    char *copy = malloc(length + 1);
    if (copy == NULL) { errno = ENOMEM; return -1; }
    memcpy(copy, path, length + 1);
    int dir = dup(root_fd);
    if (dir < 0) { free(copy); return -1; }
    char *cursor = copy;
    for (;;) {
        while (*cursor == '/') cursor++;
        char *slash = strchr(cursor, '/');
        char *rest = slash;
        while (rest != NULL && *rest == '/') rest++;
        int last = slash == NULL || *rest == 0;
        if (slash != NULL) *slash = 0;
        const char *name = *cursor == 0 ? "." : cursor;
        if (strcmp(name, "..") == 0) { close(dir); free(copy); errno = EXDEV; return -1; }
        int next;
        if (last) {
            next = openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW, mode);
        } else {
            next = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        int saved = errno;
        close(dir);
        if (next < 0 || last) { free(copy); errno = saved; return next; }
        dir = next;
        cursor = rest;
    }
}

int bayshlinux_open_beneath(int root_fd, const char *path, int flags, unsigned int mode) {
    if (path[0] == '/') { errno = EXDEV; return -1; }
    if (__atomic_load_n(&openat2_state, __ATOMIC_RELAXED) != 0) {
        int fd = open_with_openat2(root_fd, path, flags, mode);
        if (fd >= 0 || errno != ENOSYS) {
            __atomic_store_n(&openat2_state, 1, __ATOMIC_RELAXED);
            return fd;
        }
        __atomic_store_n(&openat2_state, 0, __ATOMIC_RELAXED);
    }
    return open_by_walking(root_fd, path, flags, mode);
}

int bayshlinux_o_path(void) { return O_PATH; }

void bayshlinux_open_beneath_use_walk(int walk) {
    __atomic_store_n(&openat2_state, walk ? 0 : -1, __ATOMIC_RELAXED);
}

int bayshlinux_open_beneath_uses_openat2(void) {
    if (__atomic_load_n(&openat2_state, __ATOMIC_RELAXED) == -1) {
        int fd = bayshlinux_open_beneath(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
        if (fd >= 0) close(fd);
    }
    return __atomic_load_n(&openat2_state, __ATOMIC_RELAXED) == 1;
}

int bayshlinux_mkstemp_cloexec(char *path_template) { return mkostemp(path_template, O_CLOEXEC); }

int bayshlinux_fnmatch_casefold(const char *pattern, const char *name) {
    return fnmatch(pattern, name, FNM_CASEFOLD);
}

int bayshlinux_name_thread(const char *name) { return pthread_setname_np(pthread_self(), name); }

int bayshlinux_thread_name(char *name, size_t size) { return pthread_getname_np(pthread_self(), name, size); }
