// GNU and Linux calls that Swift's Glibc module hides (they need _GNU_SOURCE), wrapped so the local session can
// spawn shells in a chosen folder, keep descriptors from leaking into children, and move files without replacing.
#ifndef CBAYSHLINUX_H
#define CBAYSHLINUX_H

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "CBayshJobHandoff.h"

/// pipe2(fds, O_CLOEXEC): both ends close on exec, atomically, so no concurrently spawned child inherits them.
int bayshlinux_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int bayshlinux_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` up.
int bayshlinux_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int from);

/// renameat2(..., RENAME_NOREPLACE) on two paths: fails with EEXIST instead of replacing the destination.
int bayshlinux_rename_noreplace(const char *source, const char *destination);

/// renameat2(..., RENAME_EXCHANGE) on two paths: swaps them atomically (tests race the file tools with it).
int bayshlinux_rename_exchange(const char *first, const char *second);

/// Opens `path` (relative, no `..`) below the directory `root_fd` without following any symlink and without
/// leaving `root_fd`, atomically: openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, or,
/// on a kernel without openat2 (before 5.6) or where it is filtered, a walk of O_NOFOLLOW opens one component
/// at a time from `root_fd`. A symlink anywhere on the way fails with ELOOP (or ENOTDIR), a `..` with EXDEV.
/// `path` "" or "." opens `root_fd`'s directory itself. Returns a descriptor (with O_CLOEXEC) or -1 and errno.
int bayshlinux_open_beneath(int root_fd, const char *path, int flags, unsigned int mode);

/// O_PATH (GNU): a descriptor that names a file or folder without opening it for reading or writing.
int bayshlinux_o_path(void);

/// Whether bayshlinux_open_beneath uses openat2 (1) or the component walk (0) on this kernel.
int bayshlinux_open_beneath_uses_openat2(void);

/// With `walk` 1, makes bayshlinux_open_beneath take the component walk, as on a kernel without openat2; with 0,
/// lets it try openat2 again. The tests run the symlink race on both paths.
void bayshlinux_open_beneath_use_walk(int walk);

/// renameat2(..., RENAME_NOREPLACE) between two directory descriptors.
int bayshlinux_renameat_noreplace(int from_dir, const char *from_name, int to_dir, const char *to_name);

/// mkostemp(template, O_CLOEXEC): a new unique file from a `...XXXXXX` template, closed on exec.
int bayshlinux_mkstemp_cloexec(char *path_template);

/// fnmatch with FNM_CASEFOLD (and FNM_PERIOD off): 0 on a match.
int bayshlinux_fnmatch_casefold(const char *pattern, const char *name);

/// pthread_setname_np on the calling thread: the name `top -H`, `perf` and gdb show (at most 15 bytes).
int bayshlinux_name_thread(const char *name);

/// pthread_getname_np on the calling thread.
int bayshlinux_thread_name(char *name, size_t size);

/// RLIMIT_NPROC, which glibc defines only as a macro Swift does not import.
int bayshlinux_rlimit_nproc(void);

/// pidfd_open(pid, 0): a descriptor that names this process only, even after its pid is reused.
int bayshlinux_pidfd_open(pid_t pid);

/// pidfd_send_signal(pidfd, signal, NULL, 0).
int bayshlinux_pidfd_signal(int pidfd, int signal);

/// fork + exec of `path` for the local session's sandbox: the child first sets each of `count` resource limits
/// (`resources[i]` to `values[i]`, soft and hard, so nothing inside can raise them), puts `in`, `out` and `err` on
/// 0..2 and `extra` on 3 (unless it is -1), closes every other descriptor, restores default signal handling and
/// moves to a process group of its own. The pid, or minus the errno of what failed (exec included).
pid_t bayshlinux_spawn_limited(const char *path, char *const argv[], char *const envp[], int in, int out, int err,
                               int extra, const int *resources, const unsigned long long *values, int count);

#endif
