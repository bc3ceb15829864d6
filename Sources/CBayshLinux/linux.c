#define _GNU_SOURCE
#include "CBayshLinux.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

int bayshlinux_mkstemp_cloexec(char *path_template) { return mkostemp(path_template, O_CLOEXEC); }

int bayshlinux_fnmatch_casefold(const char *pattern, const char *name) {
    return fnmatch(pattern, name, FNM_CASEFOLD);
}

int bayshlinux_name_thread(const char *name) { return pthread_setname_np(pthread_self(), name); }

int bayshlinux_thread_name(char *name, size_t size) { return pthread_getname_np(pthread_self(), name, size); }
