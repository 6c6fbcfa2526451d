/* Writes to /proc that must land where they claim to (CVE-2025-52881).
 *
 * The container's /proc is a mount the container's own config and image
 * shape: a bind mount of one procfs file over another (say the host's
 * /proc/sys/kernel/core_pattern over /proc/sys/net/ipv4/ip_forward) is still
 * "on procfs", so checking the file system type is not enough. rt writes
 * sysctls, oom_score_adj and the LSM exec labels through a private procfs
 * instead: a new proc instance (fsopen + fsmount) that is attached nowhere,
 * so nothing can be mounted over anything in it, opened with openat2
 * RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS. It is made in the
 * container's pid namespace (paths name our pid there). Where the kernel
 * refuses a private instance (a user namespace whose mount namespace shows
 * no fully visible /proc), the path under /proc is used, checked to be on
 * procfs and to be the same file (device and inode) as its twin in /proc's
 * own tree, as before. */
#pragma once
#include <stddef.h>

#include "util/error.h"

/* The private instance for this process, made once (-1 when refused). */
int procfs_init(void);
/* Forget it (close), e.g. before a new pid namespace applies. */
void procfs_reset(void);
/* The fd procfs_init made, or -1. */
int procfs_fd(void);

/* Open "rel" (e.g. "sys/net/ipv4/ip_forward", "1/oom_score_adj": no
 * leading slash, no symlinks) in the private procfs, or under /proc as a
 * checked fallback. flags get O_CLOEXEC | O_NOFOLLOW. -1 with err set. */
int procfs_open(const char *rel, int flags, rt_error *err);
/* "<pid>/" + rel, or "<pid>/task/<tid>/" + rel for thread: our own files. */
int procfs_open_self(const char *rel, int flags, int thread, rt_error *err);
/* Write all of data to procfs_open(rel). */
int procfs_write(const char *rel, const char *data, size_t len, rt_error *err);
