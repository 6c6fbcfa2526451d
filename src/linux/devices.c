#include "config.h"
#include "linux/devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/sync.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct {
  const char *path;
  unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
  const char *path;
  const char *target;
} default_links[] = {
    {"/dev/fd", "/proc/self/fd"},       {"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},
};

static int split_parent(int rootfd, const char *path, char **base, rt_error *err) {
  _cleanup_free_ char *copy = strdup(path);
  if (!copy)
    return rt_error_set(err, ENOMEM, "%s", path);
  char *slash = strrchr(copy, '/');
  if (!slash || !slash[1])
    return rt_error_set(err, EINVAL, "device path %s", path);
  *base = strdup(slash + 1);
  *slash = '\0';
  return fs_mkdir_p_in_root(rootfd, copy, 0755, err);
}

/* A user-namespaced init cannot mknod: rt makes linux.devices[index]'s node
 * for it (owned by its uid and gid, linux/sync.h DEVICE_REQ). *node is -1
 * when rt could not, or there is no one to ask. */
static int node_from_rt(int rootfd, int sync_fd, size_t index, int *node, const char *field,
                        rt_error *err) {
  *node = -1;
  if (sync_fd < 0)
    return 0;
  char idx[32];
  int n = snprintf(idx, sizeof idx, "%zu", index);
  _cleanup_free_ char *whole = NULL;
  _cleanup_close_ int fd = -1;
  if (sync_send(sync_fd, SYNC_DEVICE_REQ, idx, (size_t)n + 1, -1, err) < 0 ||
      sync_wait(sync_fd, SYNC_AT_INIT_DEVICE, &whole, &fd, err) < 0)
    return rt_error_prefix(err, "%s: the node from rt", field);
  if (fd < 0 || !whole || !*whole) {
    *node = TAKE_FD(fd);
    return 0;
  }
  /* The whole tmpfs (a kernel that cannot clone out of a detached mount):
   * attached for a moment at /dev/.rt-node, the node cloned from there. */
  _cleanup_close_ int at = fs_mkdir_p_in_root(rootfd, "/dev/.rt-node", 0700, err);
  if (at < 0)
    return rt_error_prefix(err, "%s", field);
  int r = move_mount(fd, "", at, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  if (r == 0) {
    /* looked up again: the path crosses into the tmpfs now on top */
    rt_error tmp;
    _cleanup_close_ int top = fs_open_in_root(rootfd, "/dev/.rt-node", O_PATH | O_DIRECTORY, 0, &tmp);
    *node = top >= 0 ? open_tree(top, whole, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC) : -1;
    int e = errno;
    char path[64];
    if (top >= 0) {
      fs_fd_path(top, path);
      umount2(path, MNT_DETACH);
    }
    errno = e;
  }
  int e = errno;
  _cleanup_close_ int devdir = fs_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, 0, err);
  if (devdir >= 0)
    unlinkat(devdir, ".rt-node", AT_REMOVEDIR);
  if (r < 0 || *node < 0)
    return rt_error_set(err, e, "%s: take the node from rt's tmpfs", field);
  return 0;
}

static int make_device(int rootfd, const char *path, char type, unsigned major, unsigned minor,
                       mode_t perm, uid_t uid, gid_t gid, bool userns, int node,
                       const char *field, rt_error *err) {
  _cleanup_close_ int tree = node;
  _cleanup_free_ char *base = NULL;
  _cleanup_close_ int dir = split_parent(rootfd, path, &base, err);
  if (dir < 0)
    return rt_error_prefix(err, "%s", field);
  mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
  if (userns && type != 'p') {
    /* mknod is not allowed in a user namespace: mount rt's node (tree, with
     * the config's owner and mode), or bind the host's (as runc). Without
     * rt's, a host node that is there already (podman --privileged binds
     * the host's /dev) is left as it is. Whatever else is there becomes the
     * mount point, never opened (a device node opened for writing could be
     * anything); a symlink goes; a missing one is made as an empty file. */
    struct stat st;
    if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (tree < 0 && (st.st_mode & S_IFMT) == fmt && st.st_rdev == makedev(major, minor))
        return 0;
      if (S_ISLNK(st.st_mode) && unlinkat(dir, base, 0) < 0)
        return rt_error_set(err, errno, "%s: replace the symlink at %s", field, path);
    }
    int f = openat(dir, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f < 0 && errno != EEXIST)
      return rt_error_set(err, errno, "%s: create %s", field, path);
    if (f >= 0)
      close(f);
    if (tree < 0 && (tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
      return rt_error_set(err, errno, "%s: bind the host's %s", field, path);
    if (move_mount(tree, "", dir, base, MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return rt_error_set(err, errno, "%s: mount %s", field, path);
    return 0;
  }
  struct stat st;
  if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if ((st.st_mode & S_IFMT) == fmt && st.st_rdev == makedev(major, minor)) {
      /* already the right node: only mode and owner below */
    } else if (S_ISDIR(st.st_mode)) {
      return rt_error_set(err, EISDIR, "%s: %s", field, path);
    } else if (strcmp(field, "default device") != 0) {
      /* config-linux.md: a file at path that does not match the device is
       * an error. (A default device replaces what the image put there.) */
      return rt_error_set(err, EEXIST, "%s: %s exists and is not that device", field, path);
    } else if (unlinkat(dir, base, 0) < 0) {
      return rt_error_set(err, errno, "%s: replace %s", field, path);
    }
  }
  if (mknodat(dir, base, fmt | (perm & 07777), makedev(major, minor)) < 0 && errno != EEXIST)
    return rt_error_set(err, errno, "%s: mknod %s", field, path);
  if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & 07777) == (perm & 07777) &&
      st.st_uid == uid && st.st_gid == gid)
    return 0; /* e.g. the host's node, bound in by the caller */
  if (fchmodat(dir, base, perm & 07777, 0) < 0)
    return rt_error_set(err, errno, "%s: chmod %s", field, path);
  if (fchownat(dir, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rt_error_set(err, errno, "%s: chown %s", field, path);
  return 0;
}

int devices_setup(int rootfd, const oci_config *c, bool userns, bool userns_init, int sync_fd,
                  rt_error *err) {
  const oci_linux *l = c->linux_;
  for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
    bool overridden = false;
    for (size_t j = 0; l && j < l->n_devices; j++)
      if (l->devices[j].path && strcmp(l->devices[j].path, default_devices[i].path) == 0)
        overridden = true;
    if (overridden)
      continue;
    if (make_device(rootfd, default_devices[i].path, 'c', default_devices[i].major,
                    default_devices[i].minor, 0666, 0, 0, userns, -1, "default device", err) < 0)
      return -1;
  }
  for (size_t i = 0; l && i < l->n_devices; i++) {
    const oci_device *d = &l->devices[i];
    char field[64];
    snprintf(field, sizeof field, "config.json: .linux.devices[%zu]", i);
    if (!d->path || d->path[0] != '/')
      return rt_error_set(err, 0, "%s.path: must be an absolute path", field);
    char type = d->type ? d->type[0] : 'c';
    if (type == 'u')
      type = 'c';
    if (type != 'p' && (!d->has_major || !d->has_minor))
      return rt_error_set(err, 0, "%s: major and minor are required for type %s", field,
                          d->type ? d->type : "c");
    mode_t perm = d->has_file_mode ? d->file_mode : 0666;
    int node = -1;
    if (userns && userns_init && type != 'p' &&
        node_from_rt(rootfd, sync_fd, i, &node, field, err) < 0)
      return -1;
    if (make_device(rootfd, d->path, type, (unsigned)d->major, (unsigned)d->minor, perm,
                    d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, userns, node, field,
                    err) < 0)
      return -1;
  }
  /* The links come after the config's devices, as in runc: /dev/ptmx is
   * always the link to pts/ptmx, even when the config lists a /dev/ptmx
   * device (podman --privileged lists every host device, /dev/ptmx too);
   * the other links give way to what is already there. */
  for (size_t i = 0; i < ARRAY_SIZE(default_links); i++) {
    _cleanup_free_ char *base = NULL;
    _cleanup_close_ int dir = split_parent(rootfd, default_links[i].path, &base, err);
    if (dir < 0)
      return -1;
    if (strcmp(default_links[i].path, "/dev/ptmx") == 0 && unlinkat(dir, base, 0) < 0 &&
        errno != ENOENT)
      return rt_error_set(err, errno, "replace %s", default_links[i].path);
    if (symlinkat(default_links[i].target, dir, base) < 0 && errno != EEXIST)
      return rt_error_set(err, errno, "symlink %s", default_links[i].path);
  }
  return 0;
}
