// The two GNU extensions ServerProcess needs. Swift's Glibc module is imported without _GNU_SOURCE, so they are
// wrapped here in a file compiled with it.
#ifndef BAYSH_CSPAWN_H
#define BAYSH_CSPAWN_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from birth, so no other child started meanwhile inherits them.
int cspawn_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child changes directory before exec (glibc 2.29 and later).
int cspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
