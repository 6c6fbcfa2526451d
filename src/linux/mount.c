/* rt: the container's root filesystem: the config's mounts in order (bind
 * sources through fds, idmapped trees and user-namespace sources from rt),
 * /dev, pivot_root (or --no-pivot), masked and read-only paths. A mount's
 * options are mount_options.c's. */
#include "config.h"
#include "linux/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux/devices.h"
#include "linux/mount_cgroup.h"
#include "linux/sync.h"
#include "lsm/lsm.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mountinfo.h"

/* The flags a bind remount must keep: in a user namespace the kernel locks
 * them, and outside one we keep what the source had unless the config cleared it. */
static unsigned long locked_flags(int fd, unsigned long cleared) {
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f & ~cleared;
}

static int apply_after_mount(int rootfd, const char *dest, const struct mount_opts *o,
                             bool is_bind, const char *field, rt_error *err) {
  /* Reopen: the fd taken before the mount points below the new mount. */
  _cleanup_close_ int fd = fs_open_in_root(rootfd, dest, O_PATH, 0, err);
  if (fd < 0)
    return -1;
  char path[64];
  fs_fd_path(fd, path);
  unsigned long remount_flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (is_bind && remount_flags) {
    unsigned long f = MS_REMOUNT | MS_BIND | remount_flags | locked_flags(fd, o->clear);
    if (mount(NULL, path, NULL, f, NULL) < 0)
      return rt_error_set(err, errno, "%s: remount %s with its options", field, dest);
  }
  for (int i = 0; i < o->n_propagation; i++)
    if (mount(NULL, path, NULL, o->propagation[i], NULL) < 0)
      return rt_error_set(err, errno, "%s: set propagation of %s", field, dest);
  if (o->recursive_attrs) {
    struct mount_attr attr = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};
    if (o->attr_set & MOUNT_ATTR__ATIME)
      attr.attr_clr |= MOUNT_ATTR__ATIME;
    if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
      return rt_error_set(err, errno, "%s: set recursive attributes on %s", field, dest);
  }
  return 0;
}

static char *bind_source(const struct rootfs_ctx *ctx, const char *src) {
  if (src[0] == '/')
    return strdup(src);
  char *p = NULL;
  if (asprintf(&p, "%s/%s", ctx->bundle, src) < 0)
    return NULL;
  return p;
}

static int mount_bind(struct rootfs_ctx *ctx, int rootfd, const oci_mount *m,
                      struct mount_opts *o, int idmap_fd, size_t index, const char *field,
                      rt_error *err) {
  if (!m->source)
    return rt_error_set(err, 0, "%s.source: a bind mount needs a source", field);
  _cleanup_free_ char *src = bind_source(ctx, m->source);
  if (!src)
    return rt_error_set(err, ENOMEM, "%s", field);
  /* An idmapped tree is made by rt, in the host's user namespace (the kernel
   * wants CAP_SYS_ADMIN over the source's superblock); in a user namespace
   * rt opens the source for us as host root (our ids may not search its
   * directories). Both when its turn comes: the mount ids then follow the
   * config's order. */
  _cleanup_close_ int from_rt = -1;
  if (idmap_fd >= 0 || (ctx->userns && ctx->sync_fd >= 0)) {
    char idx[32];
    int n = snprintf(idx, sizeof idx, "%zu", index);
    if (sync_send(ctx->sync_fd, SYNC_SOURCE_REQ, idx, (size_t)n + 1, -1, err) < 0)
      return -1;
    if (sync_wait(ctx->sync_fd, SYNC_AT_INIT_SOURCE, NULL, &from_rt, err) < 0)
      return rt_error_prefix(err, "%s: the source %s from rt", field, src);
    if (idmap_fd >= 0 && from_rt < 0)
      return rt_error_set(err, EPROTO, "%s: sync: no idmapped tree of %s from rt", field, src);
  }
  /* The source is opened once, and what was checked is what gets bound. */
  _cleanup_close_ int tree = idmap_fd >= 0 ? TAKE_FD(from_rt) : -1;
  _cleanup_close_ int srcfd = tree >= 0       ? -1
                              : from_rt >= 0 ? TAKE_FD(from_rt)
                                             : open(src, O_PATH | O_CLOEXEC);
  struct stat st;
  if ((tree < 0 && srcfd < 0) || fstat(tree >= 0 ? tree : srcfd, &st) < 0)
    return rt_error_set(err, errno, "%s.source: bind source %s", field, src);
  _cleanup_close_ int dst = fs_ensure_in_root(rootfd, m->destination, S_ISDIR(st.st_mode), err);
  if (dst < 0)
    return rt_error_prefix(err, "%s.destination", field);
  /* Clone the source tree through an fd and move it onto the destination fd:
   * neither path can be swapped for a symlink between check and mount. */
  if (tree < 0) {
    unsigned int ot_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    if (o->flags & MS_REC)
      ot_flags |= AT_RECURSIVE;
    tree = open_tree(srcfd, "", ot_flags | AT_EMPTY_PATH);
    if (tree < 0)
      return rt_error_set(err, errno, "%s: bind %s", field, src);
  }
  if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "%s: bind %s on %s", field, src, m->destination);
  return apply_after_mount(rootfd, m->destination, o, true, field, err);
}

/* Mount a filesystem of `type`, with the fallbacks runc users rely on: sysfs
 * and mqueue become binds of the host's when the kernel refuses them (user
 * namespace without a new network/ipc namespace), devpts retries without gid=. */
static int mount_fs(struct rootfs_ctx *ctx, int rootfd, const oci_mount *m, struct mount_opts *o,
                    const char *field, rt_error *err) {
  /* procfs and sysfs only on a real directory of the rootfs (as runc): a
   * /proc or /sys planted as a symlink would put them where the image
   * chose, and the masked and read-only paths on the symlink's path. */
  if (strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0) {
    rt_error tmp;
    _cleanup_close_ int cur = fs_open_in_root(rootfd, m->destination, O_PATH | O_NOFOLLOW, 0, &tmp);
    struct stat st;
    if (cur >= 0 && fstat(cur, &st) == 0 && !S_ISDIR(st.st_mode))
      return rt_error_set(err, 0, "%s.destination: %s must be mounted on an ordinary directory "
                                  "(%s in the rootfs is %s)",
                          field, m->type, m->destination, S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
  }
  _cleanup_close_ int dst = fs_ensure_in_root(rootfd, m->destination, true, err);
  if (dst < 0)
    return rt_error_prefix(err, "%s.destination", field);
  char path[64];
  fs_fd_path(dst, path);
  const char *src = m->source && *m->source ? m->source : m->type;
  unsigned long flags = o->flags & ~(MS_BIND | MS_REC);
  /* The data without the SELinux context= (kept for the devpts retry below:
   * an MLS label holds commas). */
  _cleanup_free_ char *plain = o->data ? strdup(o->data) : NULL;
  if (lsm_mount_label_data(ctx->config, m->type, &o->data, err) < 0)
    return rt_error_prefix(err, "%s", field);
  int r = mount(src, path, m->type, flags, o->data);
  if (r < 0 && errno == EINVAL && strcmp(m->type, "devpts") == 0 && plain &&
      strstr(plain, "gid=")) {
    /* gid=5 is not mapped in this user namespace: drop it, as runc does. */
    char *copy = strdup(plain), *out = calloc(1, strlen(plain) + 32), *save = NULL;
    if (!copy || !out) {
      free(copy);
      free(out);
      return rt_error_set(err, ENOMEM, "%s", field);
    }
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if (strncmp(t, "gid=", 4) == 0)
        continue;
      if (*out)
        strcat(out, ",");
      strcat(out, t);
    }
    free(copy);
    if (lsm_mount_label_data(ctx->config, m->type, &out, err) < 0) {
      free(out);
      return rt_error_prefix(err, "%s", field);
    }
    r = mount(src, path, m->type, flags, out);
    free(out);
  }
  if (r < 0 && (errno == EPERM || errno == EBUSY) &&
      (strcmp(m->type, "sysfs") == 0 || strcmp(m->type, "mqueue") == 0)) {
    const char *host = strcmp(m->type, "sysfs") == 0 ? "/sys" : "/dev/mqueue";
    _cleanup_close_ int tree = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                              AT_RECURSIVE);
    if (tree < 0)
      return rt_error_set(err, errno, "%s: mount %s (and bind of %s)", field, m->type, host);
    if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return rt_error_set(err, errno, "%s: bind %s on %s", field, host, m->destination);
    struct mount_opts bind_o = *o;
    return apply_after_mount(rootfd, m->destination, &bind_o, true, field, err);
  }
  if (r < 0)
    return rt_error_set(err, errno, "%s: mount %s (type %s) on %s", field, src, m->type,
                        m->destination);
  if (strcmp(m->type, "mqueue") == 0) {
    /* mqueue takes no context=: relabel its directory instead. */
    _cleanup_close_ int mq = fs_open_in_root(rootfd, m->destination, O_PATH, 0, err);
    char mqpath[64];
    if (mq < 0)
      return -1;
    fs_fd_path(mq, mqpath);
    if (lsm_relabel_mount(ctx->config, m->type, mqpath, err) < 0)
      return rt_error_prefix(err, "%s", field);
  }
  if (o->tmpcopyup) {
    /* tmpcopyup: the rootfs's content of the directory shows through the new tmpfs. */
    _cleanup_close_ int newfd = fs_open_in_root(rootfd, m->destination, O_PATH, 0, err);
    if (newfd < 0)
      return -1;
    if (fs_copy_tree(dst, newfd, err) < 0)
      return rt_error_prefix(err, "%s: tmpcopyup", field);
  }
  return apply_after_mount(rootfd, m->destination, o, false, field, err);
}

static int mount_one(struct rootfs_ctx *ctx, int rootfd, const oci_mount *m, size_t i,
                     rt_error *err) {
  char field[64];
  snprintf(field, sizeof field, "config.json: .mounts[%zu]", i);
  struct mount_opts o;
  char ofield[80];
  snprintf(ofield, sizeof ofield, "%s.options", field);
  if (mount_parse_options(m->options, m->n_options, &o, ofield, err) < 0)
    return -1;
  int r;
  bool is_bind = (o.flags & MS_BIND) || (m->type && strcmp(m->type, "bind") == 0);
  int idmap_fd = ctx->idmap_fds ? ctx->idmap_fds[i] : -1;
  if ((o.idmap || o.ridmap) && !is_bind) {
    r = rt_error_set(err, 0, "%s.options: idmap and ridmap need a bind mount", field);
  } else if (is_bind) {
    r = mount_bind(ctx, rootfd, m, &o, idmap_fd, i, field, err);
  } else if (!m->type || !*m->type) {
    r = rt_error_set(err, 0, "%s.type: a mount that is not a bind mount needs a type", field);
  } else if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0) {
    r = mount_cgroup(rootfd, m->destination, o.flags & ~(MS_BIND | MS_REC), ctx->new_cgroupns,
                     field, err);
  } else {
    /* A read-only /dev could not take /dev/pts, /dev/shm, the device nodes
     * and links: mounted read-write, populated, and made read-only at the
     * end (rootfs_finish), as runc does. */
    bool dev = m->destination && strcmp(m->destination, "/dev") == 0 && (o.flags & MS_RDONLY);
    if (dev) {
      o.flags &= ~(unsigned long)MS_RDONLY;
      ctx->dev_ro = true;
    }
    r = mount_fs(ctx, rootfd, m, &o, field, err);
  }
  mount_opts_free(&o);
  return r;
}

/* pivot_root refuses a new root whose parent mount is shared: make the mount
 * that holds the rootfs directory private (in our namespace only). */
static int make_parent_private(const char *rootfs, rt_error *err) {
  _cleanup_free_ char *info = NULL;
  if (fs_read_file("/proc/self/mountinfo", 16 << 20, &info, NULL, err) < 0)
    return -1;
  const char *best = "/";
  size_t best_len = 1;
  bool best_shared = false;
  struct rt_mountinfo m;
  for (char *c = info; rt_mountinfo_next(&c, &m) > 0;) {
    const char *mp = m.mount_point;
    size_t l = strlen(mp);
    /* the last mount of that path wins: it is the one on top */
    if (l >= best_len && strncmp(rootfs, mp, l) == 0 &&
        (rootfs[l] == '/' || rootfs[l] == '\0' || l == 1)) {
      best = mp;
      best_len = l;
      best_shared = rt_mountinfo_has_optional(&m, "shared");
    }
  }
  /* A slave or private parent keeps its propagation (rslave must still
   * receive the host's mounts). */
  if (!best_shared)
    return 0;
  if (mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return rt_error_set(err, errno, "make %s private", best);
  return 0;
}

int rootfs_prepare(struct rootfs_ctx *ctx, rt_error *err) {
  const oci_config *c = ctx->config;
  const char *prop_name = c->linux_ ? c->linux_->rootfs_propagation : NULL;
  unsigned long prop = MS_SLAVE | MS_REC;
  if (prop_name && *prop_name) {
    prop = mount_propagation_flag(prop_name);
    if (!prop)
      return rt_error_set(err, 0, "config.json: .linux.rootfsPropagation: unknown value \"%s\"",
                          prop_name);
    /* Mounts of the container never propagate back to the host unless asked (shared). */
    if (!(prop & MS_SHARED))
      prop = (prop & MS_REC) ? prop : (prop | MS_REC);
    /* An unbindable root could not be bound onto itself below: rslave until
     * rootfs_finish sets the asked propagation on the new root. */
    if (prop & MS_UNBINDABLE)
      prop = MS_SLAVE | MS_REC;
  }
  if (mount(NULL, "/", NULL, prop, NULL) < 0)
    return rt_error_set(err, errno, "set propagation of / to %s", prop_name ? prop_name : "rslave");
  if (make_parent_private(ctx->rootfs, err) < 0)
    return -1;
  /* The rootfs bound on itself through one fd: the directory opened is the
   * one bound, and rootfd is the root of that new mount. */
  _cleanup_close_ int rootdir = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootdir < 0)
    return rt_error_set(err, errno, "config.json: .root.path: open %s", ctx->rootfs);
  _cleanup_close_ int rootfd =
      open_tree(rootdir, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (rootfd < 0 || move_mount(rootfd, "", rootdir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "config.json: .root.path: bind %s on itself", ctx->rootfs);
  for (size_t i = 0; i < c->n_mounts; i++)
    if (mount_one(ctx, rootfd, &c->mounts[i], i, err) < 0)
      return -1;
  if (devices_setup(rootfd, c, ctx->bind_devices, ctx->userns, ctx->sync_fd, err) < 0)
    return -1;
  /* A missing process.cwd is created (0755), as runc does, inside the rootfs
   * and never through a symlink out of it. */
  if (c->process && c->process->cwd && strcmp(c->process->cwd, "/") != 0 &&
      fs_mkdir_p_in_root(rootfd, c->process->cwd, 0755, err) < 0)
    return rt_error_prefix(err, "config.json: .process.cwd");
  return 0;
}

/* --no-pivot: chroot leaves the rest of the mount namespace in place, the
 * host's /proc and /sys among it. The kernel lets a process in a new user
 * namespace mount procfs (or sysfs) only while a fully visible one exists in
 * its mount namespace, so the host's would defeat maskedPaths (`unshare -mrpf
 * mount -t proc none /proc` worked). As runc: every procfs and sysfs outside
 * the rootfs is detached, or, where that is refused, covered with an empty
 * read-only tmpfs. Only this (private, rslave) mount namespace changes. */
static int hide_outer_proc_sys(const char *rootfs, rt_error *err) {
  _cleanup_free_ char *info = NULL;
  if (fs_read_file("/proc/self/mountinfo", 16 << 20, &info, NULL, err) < 0)
    return -1;
  size_t rl = strlen(rootfs);
  struct rt_mountinfo m;
  for (char *c = info; rt_mountinfo_next(&c, &m) > 0;) {
    const char *mp = m.mount_point, *fstype = m.fstype;
    if (strcmp(fstype, "proc") != 0 && strcmp(fstype, "sysfs") != 0)
      continue;
    if (strncmp(mp, rootfs, rl) == 0 && (mp[rl] == '/' || mp[rl] == '\0'))
      continue;
    if (umount2(mp, MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT)
      continue; /* EINVAL: already gone with a parent detached before */
    if (mount("tmpfs", mp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0") < 0)
      return rt_error_set(err, errno, "--no-pivot: hide the %s at %s", fstype, mp);
  }
  return 0;
}

int rootfs_pivot(struct rootfs_ctx *ctx, rt_error *err) {
  _cleanup_close_ int newroot = open(ctx->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0)
    return rt_error_set(err, errno, "open %s", ctx->rootfs);
  if (fchdir(newroot) < 0)
    return rt_error_set(err, errno, "chdir %s", ctx->rootfs);
  if (ctx->no_pivot) {
    if (hide_outer_proc_sys(ctx->rootfs, err) < 0)
      return -1;
    if (mount(ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
      return rt_error_set(err, errno, "move %s to /", ctx->rootfs);
    if (chroot(".") < 0)
      return rt_error_set(err, errno, "chroot %s", ctx->rootfs);
    if (chdir("/") < 0)
      return rt_error_set(err, errno, "chdir /");
    return 0;
  }
  _cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return rt_error_set(err, errno, "open /");
  /* pivot_root(".", "."): the old root ends up stacked on the new one; detach it. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return rt_error_set(err, errno, "pivot_root into %s", ctx->rootfs);
  if (fchdir(oldroot) < 0)
    return rt_error_set(err, errno, "chdir to the old root");
  /* Never let the unmount below propagate to the host. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return rt_error_set(err, errno, "make the old root rslave");
  if (umount2(".", MNT_DETACH) < 0)
    return rt_error_set(err, errno, "unmount the old root");
  if (chdir("/") < 0)
    return rt_error_set(err, errno, "chdir /");
  return 0;
}

static int mask_path(int rootfd, int devnull, const char *p, size_t i, rt_error *err) {
  rt_error tmp;
  _cleanup_close_ int fd = fs_open_in_root(rootfd, p, O_PATH | O_NOFOLLOW, 0, &tmp);
  if (fd < 0) {
    if (tmp.errnum == ENOENT)
      return 0;
    return rt_error_set(err, tmp.errnum, "config.json: .linux.maskedPaths[%zu]: open %s", i, p);
  }
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: stat %s", i, p);
  if (S_ISLNK(st.st_mode))
    return 0; /* a symlink is left alone: masking must never land on what it names */
  if (S_ISDIR(st.st_mode)) {
    _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
      return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: tmpfs", i);
    if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
      return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: tmpfs", i);
    _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                                 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (mnt < 0)
      return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: tmpfs", i);
    if (move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: mask %s", i, p);
    return 0;
  }
  _cleanup_close_ int tree = open_tree(devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                        AT_EMPTY_PATH);
  if (tree < 0)
    return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: clone /dev/null", i);
  if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "config.json: .linux.maskedPaths[%zu]: mask %s", i, p);
  return 0;
}

static int readonly_path(int rootfd, const char *p, size_t i, rt_error *err) {
  rt_error tmp;
  _cleanup_close_ int fd = fs_open_in_root(rootfd, p, O_PATH, 0, &tmp);
  if (fd < 0) {
    if (tmp.errnum == ENOENT)
      return 0;
    return rt_error_set(err, tmp.errnum, "config.json: .linux.readonlyPaths[%zu]: open %s", i, p);
  }
  /* Clone the subtree, make the clone read-only, and put it back in place. */
  _cleanup_close_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                                   AT_RECURSIVE);
  if (tree < 0)
    return rt_error_set(err, errno, "config.json: .linux.readonlyPaths[%zu]: bind %s", i, p);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                        MOUNT_ATTR_NOEXEC};
  if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return rt_error_set(err, errno, "config.json: .linux.readonlyPaths[%zu]: read-only %s", i, p);
  if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "config.json: .linux.readonlyPaths[%zu]: mount %s", i, p);
  return 0;
}

int rootfs_finish(struct rootfs_ctx *ctx, rt_error *err) {
  const oci_config *c = ctx->config;
  const char *prop_name = c->linux_ ? c->linux_->rootfs_propagation : NULL;
  if (prop_name && *prop_name) {
    unsigned long prop = mount_propagation_flag(prop_name);
    if (mount(NULL, "/", NULL, prop, NULL) < 0)
      return rt_error_set(err, errno, "config.json: .linux.rootfsPropagation: set %s on /",
                          prop_name);
  }
  _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return rt_error_set(err, errno, "open /");
  const oci_linux *l = c->linux_;
  _cleanup_close_ int devnull = -1;
  if (l && l->n_masked_paths) {
    /* CVE-2025-31133: mask with a /dev/null that is the real character
     * device, opened without following a symlink an image may have planted
     * there; it is ours (no other process runs in the container yet). */
    struct stat st;
    devnull = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (devnull < 0 || fstat(devnull, &st) < 0 || !S_ISCHR(st.st_mode) ||
        st.st_rdev != makedev(1, 3))
      return rt_error_set(err, 0,
                          "config.json: .linux.maskedPaths: /dev/null in the container is not the "
                          "null device; refusing to mask with it");
  }
  if (l) {
    for (size_t i = 0; i < l->n_masked_paths; i++)
      if (mask_path(rootfd, devnull, l->masked_paths[i], i, err) < 0)
        return -1;
    for (size_t i = 0; i < l->n_readonly_paths; i++)
      if (readonly_path(rootfd, l->readonly_paths[i], i, err) < 0)
        return -1;
  }
  if (ctx->dev_ro) {
    rt_error tmp;
    _cleanup_close_ int dev = fs_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0, &tmp);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (dev < 0 || mount_setattr(dev, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return rt_error_set(err, errno, "config.json: .mounts (/dev, \"ro\"): make /dev read-only");
  }
  if (c->root && c->root->readonly) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return rt_error_set(err, errno, "config.json: .root.readonly: remount / read-only");
  }
  return 0;
}
