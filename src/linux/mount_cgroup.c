#include "config.h"
#include "linux/mount_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mountinfo.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The path of this process in the hierarchy whose /proc/self/cgroup key is `key`
 * ("cpu,cpuacct", "name=systemd", or "" for cgroup2); `selfcg` is the text
 * of /proc/self/cgroup, read once per cgroup mount (NULL: unreadable). */
static char *own_cgroup(const char *selfcg, const char *key) {
  if (!selfcg)
    return NULL;
  _cleanup_free_ char *data = strdup(selfcg);
  for (char *line = data, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c2 = '\0';
    if (strcmp(c1 + 1, key) == 0)
      return strdup(c2 + 1);
  }
  return NULL;
}

/* /proc/self/cgroup, once for all the hierarchies of one cgroup mount (the
 * process does not move meanwhile), or NULL. */
static char *read_self_cgroup(void) {
  char *data = NULL;
  rt_error e;
  if (fs_read_file("/proc/self/cgroup", 1 << 20, &data, NULL, &e) < 0)
    return NULL;
  return data;
}

/* A new mount of fstype (comma-separated options: flags, or key=value), made
 * detached with fsopen/fsmount and moved onto dir. 0 or -1 with errno. */
static int fresh_mount_moved(int dir, const char *fstype, const char *opts, unsigned long flags) {
  _cleanup_close_ int fs = fsopen(fstype, FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  _cleanup_free_ char *list = opts ? strdup(opts) : NULL;
  if (opts && !list)
    return errno = ENOMEM, -1;
  char *save = NULL;
  for (char *o = list ? strtok_r(list, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(o, '=');
    if (eq)
      *eq = '\0';
    if (fsconfig(fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq ? eq + 1 : NULL, 0) < 0)
      return -1;
  }
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  unsigned attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  if (flags & MS_RDONLY)
    attr |= MOUNT_ATTR_RDONLY;
  _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attr);
  if (mnt < 0)
    return -1;
  return move_mount(mnt, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* Mount one hierarchy at dir (an O_PATH fd): a fresh cgroup mount when the
 * container has its own cgroup namespace, else a bind of our own cgroup's
 * directory of that hierarchy (what runc shows a container without cgroupns). */
static int mount_hierarchy(int dir, const char *host_mp, const char *fstype, const char *opts,
                           const char *selfcg, const char *key, unsigned long flags,
                           bool new_cgroupns, const char *field, rt_error *err) {
  char path[64];
  fs_fd_path(dir, path);
  if (new_cgroupns) {
    if (mount(fstype, path, fstype, flags, opts) == 0)
      return 0;
    /* EBUSY: the same hierarchy is mounted there already (a /sys bound
     * from the host, as in a user namespace where sysfs cannot be mounted),
     * and mount(2) refuses a superblock on a mount point it is the top of.
     * move_mount(2) of a detached fresh mount has no such rule. */
    int e = errno;
    if (e == EBUSY && fresh_mount_moved(dir, fstype, opts, flags) == 0)
      return 0;
    if (e == EBUSY)
      e = errno;
    if (e != EPERM && e != EBUSY)
      return rt_error_set(err, e, "%s: mount %s (%s)", field, fstype, opts ? opts : "");
  }
  _cleanup_free_ char *own = own_cgroup(selfcg, key);
  _cleanup_free_ char *src = NULL;
  if (asprintf(&src, "%s%s", host_mp, own && strcmp(own, "/") ? own : "") < 0)
    return rt_error_set(err, ENOMEM, "%s", field);
  _cleanup_close_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return rt_error_set(err, errno, "%s: bind %s", field, src);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
  if (flags & MS_RDONLY)
    attr.attr_set |= MOUNT_ATTR_RDONLY;
  if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return rt_error_set(err, errno, "%s: set attributes of %s", field, src);
  if (move_mount(tree, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "%s: bind %s", field, src);
  return 0;
}

static int mount_v1_layout(int rootfd, const char *dest, unsigned long flags, bool new_cgroupns,
                           const char *field, rt_error *err) {
  _cleanup_close_ int dst = fs_ensure_in_root(rootfd, dest, true, err);
  if (dst < 0)
    return -1;
  char path[64];
  fs_fd_path(dst, path);
  if (mount("tmpfs", path, "tmpfs", (flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "mode=755") < 0)
    return rt_error_set(err, errno, "%s: mount tmpfs on %s", field, dest);
  _cleanup_close_ int top = fs_open_in_root(rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
  if (top < 0)
    return -1;

  _cleanup_free_ char *info = NULL;
  if (fs_read_file("/proc/self/mountinfo", 16 << 20, &info, NULL, err) < 0)
    return -1;
  _cleanup_free_ char *selfcg = read_self_cgroup();
  struct rt_mountinfo m;
  for (char *cur = info; rt_mountinfo_next(&cur, &m) > 0;) {
    const char *mp = m.mount_point; /* unescaped */
    if (strncmp(mp, "/sys/fs/cgroup/", 15) != 0 || strchr(mp + 15, '/'))
      continue;
    bool v2 = strcmp(m.fstype, "cgroup2") == 0;
    if (!v2 && strcmp(m.fstype, "cgroup") != 0)
      continue;
    const char *name = mp + 15;
    /* bounded as before: opts below is built from it with strcat */
    char super[1024];
    snprintf(super, sizeof super, "%s", m.super_options);
    /* The controllers (or name=) of a v1 hierarchy are in its super options. */
    char opts[1024] = "";
    char key[1024] = "";
    if (!v2) {
      char *save = NULL;
      for (char *t = strtok_r(super, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "rw") == 0 || strcmp(t, "ro") == 0 || strncmp(t, "release_agent", 13) == 0 ||
            strcmp(t, "clone_children") == 0 || strcmp(t, "noprefix") == 0 ||
            strcmp(t, "xattr") == 0 || strcmp(t, "cpuset_v2_mode") == 0)
          continue;
        if (*opts)
          strcat(opts, ",");
        strcat(opts, t);
      }
      snprintf(key, sizeof key, "%s", opts);
    }
    if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
      return rt_error_set(err, errno, "%s: mkdir %s/%s", field, dest, name);
    _cleanup_close_ int sub = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
      return rt_error_set(err, errno, "%s: open %s/%s", field, dest, name);
    if (mount_hierarchy(sub, mp, v2 ? "cgroup2" : "cgroup", v2 ? NULL : opts, selfcg, key,
                        flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, new_cgroupns, field, err) < 0)
      return -1;
    /* Co-mounted controllers ("cpu,cpuacct") get a link per controller. */
    if (!v2 && strchr(name, ',')) {
      _cleanup_free_ char *copy = strdup(name);
      char *save = NULL;
      for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (symlinkat(name, top, t) < 0 && errno != EEXIST)
          return rt_error_set(err, errno, "%s: symlink %s/%s", field, dest, t);
    }
  }
  if (flags & MS_RDONLY) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(top, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return rt_error_set(err, errno, "%s: read-only %s", field, dest);
  }
  return 0;
}

int mount_cgroup(int rootfd, const char *dest, unsigned long flags, bool new_cgroupns,
                 const char *field, rt_error *err) {
  struct statfs sf;
  if (statfs("/sys/fs/cgroup", &sf) < 0)
    return rt_error_set(err, errno, "%s: statfs /sys/fs/cgroup", field);
  if ((unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC)
    return mount_v1_layout(rootfd, dest, flags, new_cgroupns, field, err);
  _cleanup_close_ int dst = fs_ensure_in_root(rootfd, dest, true, err);
  if (dst < 0)
    return -1;
  _cleanup_free_ char *selfcg = read_self_cgroup();
  return mount_hierarchy(dst, "/sys/fs/cgroup", "cgroup2", NULL, selfcg, "",
                         flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, new_cgroupns, field, err);
}
