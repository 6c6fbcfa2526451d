/* rt: the one kernel-facing call of the cgroup code that is not a libc
 * function of its own: writing a value to a cgroup file. It lives alone in
 * sys.c so that a unit test can put a recording fake in front of it at link
 * time (ld --wrap=sys_write_file, tests/unit/fake_kernel.c), as it does for
 * the libc calls mount(2), mount_setattr(2), open_tree(2) and friends. No
 * function pointer, no cost: production code calls it directly. */
#pragma once
#include <sys/types.h>

/* Open path O_WRONLY and write len bytes of buf in one write(2) (a cgroup
 * file takes one value per write). The bytes written, or -1 with errno. */
ssize_t sys_write_file(const char *path, const char *buf, size_t len);
