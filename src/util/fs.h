/* File and path helpers. Paths inside a container's root are resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) relative to an fd of that
 * root: a symlink in the rootfs can never lead outside it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/error.h"

/* openat2 relative to rootfd, confined to it. flags get O_CLOEXEC. */
int fs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, rt_error *err);
/* mkdir -p on the host's paths: 0 or -errno. */
int fs_mkdir_p(const char *path, mode_t mode);
/* Create every missing directory of `path` inside rootfd (confined), like mkdir -p,
 * and return an O_PATH fd of the final directory. */
int fs_mkdir_p_in_root(int rootfd, const char *path, mode_t mode, rt_error *err);
/* Make sure `path` exists inside rootfd as a directory (is_dir) or a regular file
 * (created empty) and return an O_PATH fd of it. Parents are created. */
int fs_ensure_in_root(int rootfd, const char *path, bool is_dir, rt_error *err);

/* chdir to `path` inside the current root ("/", the container's after
 * pivot_root or setns), resolved confined to it and without magic links, so
 * that a /proc/self/fd/N naming a host directory the caller still holds can
 * never become the cwd (CVE-2024-21626); then check that the kernel sees the
 * new cwd under the root. */
int fs_chdir_in_root(const char *path, rt_error *err);

/* stat(2) for a path the container names (a program, a PATH entry): an
 * absolute path resolved confined to the current root, no magic links either
 * way, so that /proc/self/fd/N of a host directory rt holds leads nowhere.
 * -1 with errno on failure. */
int fs_stat_confined(const char *path, struct stat *st);

/* Close every fd from `from` up, but those in keep[] (-1 entries ignored). */
void fs_close_from_except(int from, const int *keep, size_t n);

/* "/proc/thread-self/fd/N": mount(2) and friends follow it to the fd's object. */
void fs_fd_path(int fd, char buf[static 64]);

/* Read a whole small file into a malloc'd NUL-terminated buffer (*len, when
 * not NULL, is its length without the NUL). The buffer starts at 4 KiB and
 * doubles; EFBIG once it is full and at least `max` bytes large, so a file
 * is read when it is shorter than max (or than 4 KiB when max is smaller).
 * fs_read_fd reads an open fd from its offset to EOF and returns -errno,
 * without a message; the others open path (relative to dirfd) and fill err. */
int fs_read_fd(int fd, size_t max, char **out, size_t *len);
int fs_read_file(const char *path, size_t max, char **out, size_t *len, rt_error *err);
int fs_read_fileat(int dirfd, const char *path, size_t max, char **out, size_t *len, rt_error *err);
/* Write `data` to an existing file (O_WRONLY|O_TRUNC not used: procfs/sysfs style). */
int fs_write_file(const char *path, const char *data, size_t len, rt_error *err);
/* Write dirfd/path atomically: a temporary file ".NAME.PID.N" (O_EXCL,
 * `mode`) in the same directory, then renamed over path, so a reader sees
 * the old content or the new, never a part; on failure the temporary file
 * is removed. No fsync: what rt writes this way (state.json under /run, pid
 * files) does not outlive a reboot, and an fsync on a disk-backed --root or
 * --pid-file costs milliseconds per container (runc does not sync either). */
int fs_write_file_atomicat(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
                           rt_error *err);
/* The same relative to the cwd. */
int fs_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, rt_error *err);

/* Make an absolute path from `path` (relative to the cwd); malloc'd. */
char *fs_abspath(const char *path);
/* Lexically clean an absolute path: collapse //, ., .. (never above /). malloc'd. */
char *fs_clean_path(const char *path);

/* Copy the tree below directory src (O_PATH fd) into directory dst (O_PATH fd),
 * keeping modes and owners (tmpcopyup). */
int fs_copy_tree(int src, int dst, rt_error *err);
