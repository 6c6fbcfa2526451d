/* A recording fake of the kernel-facing calls, for unit tests that run as
 * an ordinary user. It is put in front of the real calls at link time: the
 * test is linked with $(fake_kernel_wraps) (tests/unit/local.mk), which has
 * ld's --wrap= turn every call of mount, umount2, mount_setattr, open_tree,
 * move_mount, fsopen, fsconfig, fsmount, setns, sys_write_file (the cgroup
 * file write, src/linux/sys.c) and cgroup_devices_bpf_apply in the objects of
 * the test into a call of the __wrap_ function here. The production build
 * is not changed by any of it.
 *
 * Each call appends one line to a log, with paths under the fake root (see
 * fk_set_root) written relative to it and fds written as the paths they
 * name:
 *   write /v2/t/cpu.weight 20
 *   mount - /rootfs/data - MS_REMOUNT|MS_BIND|MS_RDONLY -
 *   open_tree /src CLONE|RECURSIVE
 *   move_mount tree:/src -> /rootfs/data
 * Mount calls succeed without doing anything (open_tree and fsmount return
 * an O_PATH fd of what they were given, so that the code can go on opening
 * paths below it); sys_write_file also writes the value into the file
 * (truncated first), so that what the code reads back is what it wrote, and
 * fails as the kernel would when the file does not exist. */
#pragma once
#include <stdbool.h>

/* Forget the log; paths under root (NULL: none) are logged relative to it. */
void fk_reset(const char *root);
/* The log: one call per line. */
const char *fk_log(void);
/* Only the log lines that start with prefix ("write ", "mount"), joined. */
const char *fk_log_of(const char *prefix);
/* The next call whose log line contains `needle` fails with errnum (once). */
void fk_fail(const char *needle, int errnum);
/* Whether text contains needle; when not, both are shown as TAP comments. */
bool fk_has(const char *text, const char *needle);
/* Whether the log has a after its first b; when not, says so. */
bool fk_before(const char *a, const char *b);
