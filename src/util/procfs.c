#include "config.h"
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

static int private_fd = -1;
static int tried;

int procfs_init(void) {
  if (tried)
    return private_fd;
  tried = 1;
  int fs = fsopen("proc", FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  /* subset=pid would hide /proc/sys: the whole instance, read-write. */
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
    private_fd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                  MOUNT_ATTR_NOEXEC);
  close(fs);
  return private_fd;
}

void procfs_reset(void) {
  if (private_fd >= 0)
    close(private_fd);
  private_fd = -1;
  tried = 0;
}

int procfs_fd(void) { return private_fd; }

/* Fallback: /proc/rel, on procfs, and no mount crossed on the way: the
 * mount id of the file is that of /proc itself. */
static int open_checked(const char *rel, int flags, rt_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "/proc/%s", rel);
  int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s", path);
  struct statfs sf;
  struct statx a, b;
  int bad = fstatfs(fd, &sf) < 0 || (unsigned long)sf.f_type != PROC_SUPER_MAGIC;
  if (!bad && statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &a) == 0 &&
      statx(AT_FDCWD, "/proc", 0, STATX_MNT_ID, &b) == 0 && (a.stx_mask & STATX_MNT_ID) &&
      (b.stx_mask & STATX_MNT_ID))
    bad = a.stx_mnt_id != b.stx_mnt_id;
  if (bad) {
    close(fd);
    return rt_error_set(err, 0, "%s is not /proc's own file (something is mounted over it)",
                        path);
  }
  return fd;
}

int procfs_open(const char *rel, int flags, rt_error *err) {
  if (private_fd < 0)
    return open_checked(rel, flags, err);
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  int fd = (int)syscall(SYS_openat2, private_fd, rel, &how, sizeof how);
  if (fd < 0)
    return rt_error_set(err, errno, "open /proc/%s (private procfs)", rel);
  return fd;
}

int procfs_open_self(const char *rel, int flags, int thread, rt_error *err) {
  char path[512];
  if (thread)
    snprintf(path, sizeof path, "%d/task/%d/%s", (int)getpid(), (int)gettid(), rel);
  else
    snprintf(path, sizeof path, "%d/%s", (int)getpid(), rel);
  return procfs_open(path, flags, err);
}

int procfs_write(const char *rel, const char *data, size_t len, rt_error *err) {
  int fd = procfs_open(rel, O_WRONLY, err);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, data, len);
  int e = errno;
  close(fd);
  if (n < 0)
    return rt_error_set(err, e, "write /proc/%s", rel);
  return 0;
}
