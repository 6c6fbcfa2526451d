/* See fake_kernel.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fake_kernel.h"
#include "libocispec/oci_config.h"
#include "linux/cgroup_internal.h"

static char log_buf[1 << 16], of_buf[1 << 16], root[4096], fail_needle[256];
static size_t log_len;
static int fail_errno;

/* Labels of the fds the fake made (fsopen, fsmount, open_tree). */
static char *label[1024];

void fk_reset(const char *r) {
  log_len = 0;
  log_buf[0] = '\0';
  snprintf(root, sizeof root, "%s", r ? r : "");
  fail_needle[0] = '\0';
}

const char *fk_log(void) {
  return log_buf;
}

const char *fk_log_of(const char *prefix) {
  size_t n = 0, pl = strlen(prefix);
  of_buf[0] = '\0';
  for (const char *p = log_buf; *p;) {
    size_t l = strcspn(p, "\n");
    if (strncmp(p, prefix, pl) == 0 && n + l + 2 < sizeof of_buf) {
      memcpy(of_buf + n, p, l);
      n += l;
      of_buf[n++] = '\n';
      of_buf[n] = '\0';
    }
    p += l;
    if (*p)
      p++;
  }
  return of_buf;
}

bool fk_has(const char *text, const char *needle) {
  bool y = strstr(text, needle) != NULL;
  if (!y)
    printf("#   in:\n%s\n#   lacks: %s\n", text, needle);
  return y;
}

bool fk_before(const char *a, const char *b) {
  const char *pa = strstr(log_buf, a), *pb = pa ? strstr(pa, b) : NULL;
  if (!pb)
    printf("#   not in this order: '%s' then '%s'\n", a, b);
  return pb != NULL;
}

void fk_fail(const char *needle, int errnum) {
  snprintf(fail_needle, sizeof fail_needle, "%s", needle);
  fail_errno = errnum;
}

/* Append a line; -1 with errno when the test asked this call to fail. */
__attribute__((format(printf, 1, 2))) static int record(const char *fmt, ...) {
  char line[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  int n = snprintf(log_buf + log_len, sizeof log_buf - log_len, "%s\n", line);
  if (n > 0 && (size_t)n < sizeof log_buf - log_len)
    log_len += (size_t)n;
  if (*fail_needle && strstr(line, fail_needle)) {
    fail_needle[0] = '\0';
    errno = fail_errno;
    return -1;
  }
  return 0;
}

/* A path as the log shows it: relative to the fake root, "-" for NULL. */
static const char *show(const char *p, char *buf, size_t len) {
  if (!p)
    return "-";
  size_t rl = strlen(root);
  if (rl && strncmp(p, root, rl) == 0 && (p[rl] == '/' || p[rl] == '\0'))
    snprintf(buf, len, "%s", p[rl] ? p + rl : "/");
  else
    snprintf(buf, len, "%s", p);
  return buf;
}

/* What an fd (plus a path relative to it) names, as the log shows it. */
static const char *show_at(int dfd, const char *path, char *buf, size_t len) {
  char target[4096] = "";
  if (dfd >= 0 && dfd < (int)(sizeof label / sizeof *label) && label[dfd] &&
      (!path || !*path)) {
    snprintf(buf, len, "%s", label[dfd]);
    return buf;
  }
  if (path && path[0] == '/') {
    snprintf(target, sizeof target, "%s", path);
  } else {
    char link[64];
    if (dfd == AT_FDCWD) {
      if (!getcwd(target, sizeof target))
        snprintf(target, sizeof target, "?");
    } else {
      snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
      ssize_t n = readlink(link, target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
    }
    if (path && *path)
      snprintf(target + strlen(target), sizeof target - strlen(target), "/%s", path);
  }
  /* /proc/{self,thread-self}/fd/N, as the code hands it to mount(2) */
  int fd;
  char tail;
  if (sscanf(target, "/proc/self/fd/%d%c", &fd, &tail) == 1 ||
      sscanf(target, "/proc/thread-self/fd/%d%c", &fd, &tail) == 1)
    return show_at(fd, "", buf, len);
  return show(target, buf, len);
}

static void set_label(int fd, const char *fmt, const char *s) {
  if (fd < 0 || fd >= (int)(sizeof label / sizeof *label))
    return;
  free(label[fd]);
  if (asprintf(&label[fd], fmt, s) < 0)
    label[fd] = NULL;
}

static void drop_label(int fd) {
  if (fd >= 0 && fd < (int)(sizeof label / sizeof *label)) {
    free(label[fd]);
    label[fd] = NULL;
  }
}

#define FLAG(f) {f, #f}
static const struct {
  unsigned long v;
  const char *name;
} ms_names[] = {
    FLAG(MS_REMOUNT), FLAG(MS_BIND), FLAG(MS_REC), FLAG(MS_MOVE), FLAG(MS_RDONLY),
    FLAG(MS_NOSUID), FLAG(MS_NODEV), FLAG(MS_NOEXEC), FLAG(MS_SYNCHRONOUS), FLAG(MS_DIRSYNC),
    FLAG(MS_MANDLOCK), FLAG(MS_NOATIME), FLAG(MS_NODIRATIME), FLAG(MS_RELATIME),
    FLAG(MS_STRICTATIME), FLAG(MS_PRIVATE), FLAG(MS_SHARED), FLAG(MS_SLAVE),
    FLAG(MS_UNBINDABLE), FLAG(MS_SILENT), FLAG(MS_LAZYTIME), FLAG(MS_I_VERSION),
    {256, "MS_NOSYMFOLLOW"},
};
static const struct {
  uint64_t v;
  const char *name;
} attr_names[] = {
    {MOUNT_ATTR_RDONLY, "RDONLY"}, {MOUNT_ATTR_NOSUID, "NOSUID"}, {MOUNT_ATTR_NODEV, "NODEV"},
    {MOUNT_ATTR_NOEXEC, "NOEXEC"}, {MOUNT_ATTR_NODIRATIME, "NODIRATIME"},
    {MOUNT_ATTR_NOATIME, "NOATIME"}, {MOUNT_ATTR_STRICTATIME, "STRICTATIME"},
    {MOUNT_ATTR__ATIME, "_ATIME"}, {MOUNT_ATTR_NOSYMFOLLOW, "NOSYMFOLLOW"},
    {MOUNT_ATTR_IDMAP, "IDMAP"},
};

static const char *ms_flags(unsigned long f, char *buf, size_t len) {
  buf[0] = '\0';
  for (size_t i = 0; i < sizeof ms_names / sizeof *ms_names; i++)
    if (f & ms_names[i].v) {
      snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "|" : "", ms_names[i].name);
      f &= ~ms_names[i].v;
    }
  if (f)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s0x%lx", *buf ? "|" : "", f);
  return *buf ? buf : "0";
}

static const char *attrs(uint64_t a, char *buf, size_t len) {
  buf[0] = '\0';
  /* _ATIME is a mask of three values (RELATIME is 0): show it whole first. */
  if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME) {
    snprintf(buf, len, "_ATIME");
    a &= ~(uint64_t)MOUNT_ATTR__ATIME;
  }
  for (size_t i = 0; i < sizeof attr_names / sizeof *attr_names; i++)
    if (attr_names[i].v != MOUNT_ATTR__ATIME && (a & attr_names[i].v)) {
      snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "|" : "", attr_names[i].name);
      a &= ~attr_names[i].v;
    }
  return *buf ? buf : "0";
}

/* ---- the cgroup file write (src/linux/sys.c) ---- */

ssize_t __wrap_sys_write_file(const char *path, const char *buf, size_t len);
ssize_t __wrap_sys_write_file(const char *path, const char *buf, size_t len) {
  char p[4096];
  if (record("write %s %.*s", show(path, p, sizeof p), (int)len, buf) < 0)
    return -1;
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t w = write(fd, buf, len);
  int e = errno;
  close(fd);
  errno = e;
  return w;
}

int __wrap_cgroup_devices_bpf_apply(const struct cgroup_ctx *x, const char *dir,
                                const oci_device_cgroup *rules, size_t n);
int __wrap_cgroup_devices_bpf_apply(const struct cgroup_ctx *x, const char *dir,
                                const oci_device_cgroup *rules, size_t n) {
  (void)rules;
  char p[4096];
  if (record("bpf_devices %s %zu rules", show(dir, p, sizeof p), n) < 0)
    return rt_error_set(x->err, errno, "attach the device filter to %s", dir);
  return 0;
}

/* ---- mounts ---- */

int __wrap_mount(const char *src, const char *target, const char *type, unsigned long flags,
                 const void *data);
int __wrap_mount(const char *src, const char *target, const char *type, unsigned long flags,
                 const void *data) {
  char s[4096], t[4096], f[512];
  return record("mount %s %s %s %s %s", show(src, s, sizeof s), show_at(AT_FDCWD, target, t, sizeof t),
                type ? type : "-", ms_flags(flags, f, sizeof f), data ? (const char *)data : "-");
}

int __wrap_umount2(const char *target, int flags);
int __wrap_umount2(const char *target, int flags) {
  char t[4096];
  return record("umount2 %s%s", show_at(AT_FDCWD, target, t, sizeof t),
                flags & MNT_DETACH ? " DETACH" : "");
}

int __wrap_mount_setattr(int dfd, const char *path, unsigned int flags, struct mount_attr *a,
                         size_t size);
int __wrap_mount_setattr(int dfd, const char *path, unsigned int flags, struct mount_attr *a,
                         size_t size) {
  (void)size;
  char t[4096], sb[256], cb[256];
  return record("mount_setattr %s%s set=%s clr=%s", show_at(dfd, path, t, sizeof t),
                flags & AT_RECURSIVE ? " RECURSIVE" : "", attrs(a->attr_set, sb, sizeof sb),
                attrs(a->attr_clr, cb, sizeof cb));
}

int __wrap_open_tree(int dfd, const char *path, unsigned int flags);
int __wrap_open_tree(int dfd, const char *path, unsigned int flags) {
  char t[4096];
  show_at(dfd, path, t, sizeof t);
  if (record("open_tree %s %s%s", t, flags & OPEN_TREE_CLONE ? "CLONE" : "COPY",
             flags & AT_RECURSIVE ? "|RECURSIVE" : "") < 0)
    return -1;
  int fd = (flags & AT_EMPTY_PATH) && !*path ? fcntl(dfd, F_DUPFD_CLOEXEC, 3)
                                             : openat(dfd, path, O_PATH | O_CLOEXEC);
  if (fd >= 0)
    set_label(fd, "tree:%s", t);
  return fd;
}

int __wrap_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                      unsigned int flags);
int __wrap_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                      unsigned int flags) {
  (void)flags;
  char f[4096], t[4096];
  show_at(from_dfd, from, f, sizeof f);
  /* the destination is a path, never the label of the fd */
  char *saved = NULL;
  if (to_dfd >= 0 && to_dfd < (int)(sizeof label / sizeof *label)) {
    saved = label[to_dfd];
    label[to_dfd] = NULL;
  }
  show_at(to_dfd, to, t, sizeof t);
  if (to_dfd >= 0 && to_dfd < (int)(sizeof label / sizeof *label))
    label[to_dfd] = saved;
  return record("move_mount %s -> %s", f, t);
}

int __wrap_fsopen(const char *fs, unsigned int flags);
int __wrap_fsopen(const char *fs, unsigned int flags) {
  (void)flags;
  if (record("fsopen %s", fs) < 0)
    return -1;
  int fd = open("/", O_PATH | O_CLOEXEC);
  set_label(fd, "fs:%s", fs);
  return fd;
}

int __wrap_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux);
int __wrap_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux) {
  (void)fd;
  (void)aux;
  if (cmd == FSCONFIG_CMD_CREATE)
    return record("fsconfig create");
  if (cmd == FSCONFIG_SET_STRING)
    return record("fsconfig %s=%s", key, (const char *)value);
  if (cmd == FSCONFIG_SET_FLAG)
    return record("fsconfig %s", key);
  return record("fsconfig cmd %u %s", cmd, key ? key : "-");
}

int __wrap_fsmount(int fs, unsigned int flags, unsigned int attr);
int __wrap_fsmount(int fs, unsigned int flags, unsigned int attr) {
  (void)flags;
  char a[256], l[4096];
  snprintf(l, sizeof l, "%s", fs >= 0 && fs < 1024 && label[fs] ? label[fs] : "?");
  if (record("fsmount %s %s", l, attrs(attr, a, sizeof a)) < 0)
    return -1;
  int fd = open("/", O_PATH | O_CLOEXEC);
  set_label(fd, "mnt:%s", l);
  return fd;
}

/* ---- namespaces ---- */

int __wrap_setns(int fd, int nstype);
int __wrap_setns(int fd, int nstype) {
  char t[4096];
  return record("setns %s 0x%x", show_at(fd, "", t, sizeof t), (unsigned)nstype);
}

/* Labels of fds that are closed: the code closes with close(2). */
int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd) {
  drop_label(fd);
  return __real_close(fd);
}
