#include "config.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

static int sys_openat2(int dirfd, const char *path, struct open_how *how) {
  return (int)syscall(SYS_openat2, dirfd, path, how, sizeof *how);
}

int fs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, rt_error *err) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  int fd;
  do
    fd = sys_openat2(rootfd, path, &how);
  while (fd < 0 && errno == EAGAIN);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s in the container's root", path);
  return fd;
}

static int open_dir_in_root(int rootfd, const char *path) {
  struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  while (*path == '/')
    path++;
  int fd;
  do
    fd = sys_openat2(rootfd, *path ? path : ".", &how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

static int mkdir_p_in_root(int rootfd, const char *path, mode_t mode, int depth, rt_error *err);

/* PREFIX (its last component PART, in CUR) is a dangling symlink: create what
 * it points to, resolved in the root as the kernel would (runc does the same),
 * so that the open of PREFIX then succeeds. */
static int mkdir_symlink_target(int rootfd, int cur, const char *prefix, size_t plen,
                                const char *part, mode_t mode, int depth, rt_error *err) {
  char target[4096];
  ssize_t n = readlinkat(cur, part, target, sizeof target - 1);
  if (n < 0)
    return -1; /* not a symlink: keep the caller's errno */
  target[n] = '\0';
  if (depth >= 40) {
    rt_error_set(err, ELOOP, "mkdir %s in the container's root", prefix);
    return -2;
  }
  char full[8192];
  if (target[0] == '/')
    snprintf(full, sizeof full, "%s", target);
  else
    snprintf(full, sizeof full, "%.*s/%s", (int)(plen - strlen(part) - 1), prefix, target);
  int fd = mkdir_p_in_root(rootfd, full, mode, depth + 1, err);
  if (fd < 0)
    return -2;
  close(fd);
  return 0;
}

int fs_mkdir_p_in_root(int rootfd, const char *path, mode_t mode, rt_error *err) {
  return mkdir_p_in_root(rootfd, path, mode, 0, err);
}

static int mkdir_p_in_root(int rootfd, const char *path, mode_t mode, int depth, rt_error *err) {
  char prefix[4096];
  size_t plen = 0;
  int cur = open_dir_in_root(rootfd, "");
  if (cur < 0)
    return rt_error_set(err, errno, "open the container's root");
  const char *p = path;
  while (*p) {
    while (*p == '/')
      p++;
    if (!*p)
      break;
    const char *end = strchrnul(p, '/');
    size_t n = (size_t)(end - p);
    if (plen + n + 2 >= sizeof prefix) {
      close(cur);
      return rt_error_set(err, ENAMETOOLONG, "mkdir %s", path);
    }
    char part[256];
    if (n >= sizeof part) {
      close(cur);
      return rt_error_set(err, ENAMETOOLONG, "mkdir %s", path);
    }
    memcpy(part, p, n);
    part[n] = '\0';
    prefix[plen++] = '/';
    memcpy(prefix + plen, p, n);
    plen += n;
    prefix[plen] = '\0';
    p = end;
    /* Resolve every prefix from the root again: a component may be a symlink
     * (or ".."), and RESOLVE_IN_ROOT keeps it inside the container's root. */
    int next = open_dir_in_root(rootfd, prefix);
    if (next < 0 && errno == ENOENT) {
      if (mkdirat(cur, part, mode) < 0 && errno != EEXIST) {
        int e = errno;
        close(cur);
        return rt_error_set(err, e, "mkdir %s in the container's root", prefix);
      }
      next = open_dir_in_root(rootfd, prefix);
      if (next < 0 && errno == ENOENT) {
        int r = mkdir_symlink_target(rootfd, cur, prefix, plen, part, mode, depth, err);
        if (r == -2) {
          close(cur);
          return -1;
        }
        if (r == 0)
          next = open_dir_in_root(rootfd, prefix);
        else
          errno = ENOENT;
      }
    }
    if (next < 0) {
      int e = errno;
      close(cur);
      return rt_error_set(err, e, "open directory %s in the container's root", prefix);
    }
    close(cur);
    cur = next;
  }
  return cur;
}

void fs_close_from_except(int from, const int *keep, size_t n) {
  int lo = from;
  for (;;) {
    /* the smallest kept fd at or above lo */
    int next = -1;
    for (size_t i = 0; i < n; i++)
      if (keep[i] >= lo && (next < 0 || keep[i] < next))
        next = keep[i];
    if (next < 0)
      break;
    if (next > lo)
      syscall(SYS_close_range, (unsigned)lo, (unsigned)next - 1, 0);
    lo = next + 1;
  }
  syscall(SYS_close_range, (unsigned)lo, ~0U, 0);
}

int fs_stat_confined(const char *path, struct stat *st) {
  struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
  _cleanup_close_ int root = -1;
  int dirfd = AT_FDCWD;
  if (path[0] == '/') {
    root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
      return -1;
    dirfd = root;
    how.resolve |= RESOLVE_IN_ROOT;
    while (*path == '/')
      path++;
    if (!*path)
      path = ".";
  }
  int fd;
  do
    fd = sys_openat2(dirfd, path, &how);
  while (fd < 0 && errno == EAGAIN);
  if (fd < 0)
    return -1;
  int r = fstat(fd, st);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

int fs_chdir_in_root(const char *path, rt_error *err) {
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return rt_error_set(err, errno, "open /");
  _cleanup_close_ int dir = open_dir_in_root(root, path);
  if (dir < 0)
    return rt_error_set(err, errno, "chdir %s%s", path,
                        errno == ELOOP ? " (a symlink loop, or a /proc magic link, which is refused)" : "");
  if (fchdir(dir) < 0)
    return rt_error_set(err, errno, "chdir %s", path);
  /* getcwd fails with ENOENT when the cwd is not under the root. */
  char buf[4096];
  if (!getcwd(buf, sizeof buf) && errno == ENOENT)
    return rt_error_set(err, EPERM, "chdir %s: it is outside the container's root", path);
  return 0;
}

static int ensure_file_in_root(int rootfd, const char *path, int depth, rt_error *err);

int fs_ensure_in_root(int rootfd, const char *path, bool is_dir, rt_error *err) {
  if (is_dir)
    return fs_mkdir_p_in_root(rootfd, path, 0755, err);
  return ensure_file_in_root(rootfd, path, 0, err);
}

static int ensure_file_in_root(int rootfd, const char *path, int depth, rt_error *err) {
  rt_error tmp;
  int fd = fs_open_in_root(rootfd, path, O_PATH, 0, &tmp);
  if (fd >= 0)
    return fd;
  _cleanup_free_ char *copy = strdup(path);
  if (!copy)
    return rt_error_set(err, ENOMEM, "create %s", path);
  char *slash = strrchr(copy, '/');
  const char *base = copy;
  _cleanup_close_ int dirfd = -1;
  if (slash) {
    *slash = '\0';
    base = slash + 1;
    dirfd = fs_mkdir_p_in_root(rootfd, copy, 0755, err);
  } else {
    dirfd = open_dir_in_root(rootfd, "");
  }
  if (dirfd < 0)
    return -1;
  /* O_NOFOLLOW: never a file created wherever a symlink points. A dangling
   * symlink at the destination is followed inside the root instead, as
   * runc and crun do (its target, read as the container would, is made
   * under the root, which RESOLVE_IN_ROOT keeps it in). */
  int f = openat(dirfd, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0 && errno == ELOOP) {
    char target[4096];
    ssize_t n = readlinkat(dirfd, base, target, sizeof target - 1);
    if (n <= 0)
      return rt_error_set(err, ELOOP, "create %s in the container's root", path);
    target[n] = '\0';
    if (depth >= 8)
      return rt_error_set(err, ELOOP, "create %s in the container's root (symlinks nest too deep)",
                          path);
    _cleanup_free_ char *next = NULL;
    if (asprintf(&next, "%s/%s", target[0] == '/' || !slash ? "" : copy, target) < 0)
      return rt_error_set(err, ENOMEM, "create %s", path);
    return ensure_file_in_root(rootfd, next, depth + 1, err);
  }
  if (f < 0)
    return rt_error_set(err, errno, "create %s in the container's root", path);
  close(f);
  return fs_open_in_root(rootfd, path, O_PATH, 0, err);
}

void fs_fd_path(int fd, char buf[static 64]) {
  snprintf(buf, 64, "/proc/thread-self/fd/%d", fd);
}

int fs_read_fd(int fd, size_t max, char **out, size_t *len) {
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = malloc(cap + 1);
  if (!buf)
    return -ENOMEM;
  for (;;) {
    if (n == cap) {
      if (cap >= max)
        return -EFBIG;
      cap *= 2;
      char *nb = realloc(buf, cap + 1);
      if (!nb)
        return -ENOMEM;
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *out = TAKE_PTR(buf);
  if (len)
    *len = n;
  return 0;
}

int fs_read_fileat(int dirfd, const char *path, size_t max, char **out, size_t *len, rt_error *err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s", path);
  int r = fs_read_fd(fd, max, out, len);
  if (r < 0)
    return rt_error_set(err, -r, "read %s", path);
  return 0;
}

int fs_read_file(const char *path, size_t max, char **out, size_t *len, rt_error *err) {
  return fs_read_fileat(AT_FDCWD, path, max, out, len, err);
}

int fs_write_file(const char *path, const char *data, size_t len, rt_error *err) {
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s", path);
  ssize_t w = write(fd, data, len);
  if (w < 0)
    return rt_error_set(err, errno, "write %s", path);
  if ((size_t)w != len)
    return rt_error_set(err, EIO, "short write to %s", path);
  return 0;
}

int fs_write_file_atomicat(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
                           rt_error *err) {
  static unsigned counter;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  int dir_len = (int)(base - path);
  _cleanup_free_ char *tmp = NULL;
  int fd = -1;
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    free(tmp);
    tmp = NULL;
    if (asprintf(&tmp, "%.*s.%s.%d.%u", dir_len, path, base, (int)getpid(), counter++) < 0)
      return rt_error_set(err, ENOMEM, "write %s", path);
    fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST)
      return rt_error_set(err, errno, "create %s", tmp);
  }
  if (fd < 0)
    return rt_error_set(err, EEXIST, "create a temporary file for %s", path);
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(fd);
      unlinkat(dirfd, tmp, 0);
      return rt_error_set(err, e, "write %s", path);
    }
    off += (size_t)w;
  }
  /* No fsync (see fs.h); but close's error (NFS, a full disk reported
   * late) means the content may not be there. */
  if (close(fd) < 0) {
    int e = errno;
    unlinkat(dirfd, tmp, 0);
    return rt_error_set(err, e, "write %s", path);
  }
  /* Over an existing file, swap the two (RENAME_EXCHANGE) and unlink the
   * old one: readers see the old or the new file whole, as with rename,
   * but ext4 (auto_da_alloc) starts writeback of a file renamed over
   * another, which cost `rt start` 0.1 ms and, with the disk busy, up to
   * 2.5 ms here; it does not for an exchange. The first write, or a file
   * system without RENAME_EXCHANGE, renames; so does anything but a
   * regular file there (a directory is swapped back: rename refuses it). */
  struct stat st;
  if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
      renameat2(dirfd, tmp, dirfd, path, RENAME_EXCHANGE) == 0) {
    if (unlinkat(dirfd, tmp, 0) == 0)
      return 0;
    renameat2(dirfd, tmp, dirfd, path, RENAME_EXCHANGE);
  }
  if (renameat(dirfd, tmp, dirfd, path) < 0) {
    int e = errno;
    unlinkat(dirfd, tmp, 0);
    return rt_error_set(err, e, "rename %s to %s", tmp, path);
  }
  return 0;
}

int fs_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, rt_error *err) {
  return fs_write_file_atomicat(AT_FDCWD, path, data, len, mode, err);
}

char *fs_abspath(const char *path) {
  if (path[0] == '/')
    return fs_clean_path(path);
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd))
    return NULL;
  _cleanup_free_ char *joined = NULL;
  if (asprintf(&joined, "%s/%s", cwd, path) < 0)
    return NULL;
  return fs_clean_path(joined);
}

char *fs_clean_path(const char *path) {
  size_t len = strlen(path);
  char *out = malloc(len + 2);
  if (!out)
    return NULL;
  size_t o = 0;
  out[o++] = '/';
  const char *p = path;
  while (*p) {
    while (*p == '/')
      p++;
    if (!*p)
      break;
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 1 && p[0] == '.') {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (o > 1) {
        o--;
        while (o > 1 && out[o - 1] != '/')
          o--;
      }
    } else {
      if (o > 1 && out[o - 1] != '/')
        out[o++] = '/';
      memcpy(out + o, p, n);
      o += n;
    }
    p += n;
  }
  if (o > 1 && out[o - 1] == '/')
    o--;
  out[o] = '\0';
  return out;
}

int fs_copy_tree(int src, int dst, rt_error *err) {
  char path[64];
  fs_fd_path(src, path);
  int rfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0)
    return rt_error_set(err, errno, "open source directory");
  _cleanup_closedir_ DIR *d = fdopendir(rfd);
  if (!d) {
    close(rfd);
    return rt_error_set(err, errno, "read source directory");
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    struct stat st;
    if (fstatat(rfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      return rt_error_set(err, errno, "stat %s", e->d_name);
    if (S_ISDIR(st.st_mode)) {
      if (mkdirat(dst, e->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
        return rt_error_set(err, errno, "mkdir %s", e->d_name);
      _cleanup_close_ int s2 = openat(rfd, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int d2 = openat(dst, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s2 < 0 || d2 < 0)
        return rt_error_set(err, errno, "open %s", e->d_name);
      if (fs_copy_tree(s2, d2, err) < 0)
        return -1;
    } else if (S_ISREG(st.st_mode)) {
      _cleanup_close_ int in = openat(rfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int out = openat(dst, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                                            O_CLOEXEC, st.st_mode & 07777);
      if (in < 0 || out < 0)
        return rt_error_set(err, errno, "copy %s", e->d_name);
      char buf[65536];
      ssize_t n;
      while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
          return rt_error_set(err, errno, "copy %s", e->d_name);
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlinkat(rfd, e->d_name, target, sizeof target - 1);
      if (n < 0)
        return rt_error_set(err, errno, "readlink %s", e->d_name);
      target[n] = '\0';
      if (symlinkat(target, dst, e->d_name) < 0)
        return rt_error_set(err, errno, "symlink %s", e->d_name);
    } else {
      if (mknodat(dst, e->d_name, st.st_mode, st.st_rdev) < 0)
        return rt_error_set(err, errno, "mknod %s", e->d_name);
    }
    if (fchownat(dst, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM)
      return rt_error_set(err, errno, "chown %s", e->d_name);
  }
  return 0;
}

int fs_mkdir_p(const char *path, mode_t mode) {
  _cleanup_free_ char *copy = strdup(path);
  if (!copy)
    return -ENOMEM;
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return -errno;
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return -errno;
  return 0;
}
