/* rt: the state store (see state.h). state.json is written with yajl_gen
 * and read with yajl_tree; writes go through a temporary file and rename. */
#include "config.h"
#include "state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "linux/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define STATE_MAX (16 << 20)

int rt_state_id_validate(const char *id, rt_error *err) {
  if (!id || !*id)
    return rt_error_set(err, 0, "invalid container id: it must not be empty");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return rt_error_set(err, 0, "invalid container id \"%s\"", id);
  /* the id names the state directory: it must fit in one path component */
  if (strlen(id) > NAME_MAX)
    return rt_error_set(err, 0, "invalid container id: longer than %d characters", NAME_MAX);
  for (const char *p = id; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_' && *p != '+' && *p != '-' && *p != '.')
      return rt_error_set(err, 0,
                          "invalid container id \"%s\": only letters, digits, '_', '+', '-' and "
                          "'.' are allowed",
                          id);
  return 0;
}

int rt_state_root_open(const char *root, rt_error *err) {
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return rt_error_set(err, errno, "--root %s", root);
  int r = fs_mkdir_p(root, 0700);
  if (r < 0)
    return rt_error_set(err, -r, "create --root %s", root);
  fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "--root %s", root);
  return fd;
}

/* A new container's directory is made under a name no id can have ('#'),
 * locked, filled (config.json, state.json, exec.fifo) and only then renamed
 * into place (rt_state_dir_publish): whatever moment rt dies, ROOT/ID is
 * either absent or a whole container `rt list` shows and `rt delete` can
 * remove, and a delete cannot remove it under a create in its first steps.
 * What a kill leaves under the '#' name, rt list removes (see below). */
int rt_state_dir_create(int rootfd, const char *id, char tmp[static 64], rt_error *err) {
  int fd = -1;
  for (int attempt = 0; fd < 0; attempt++) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(tmp, 64, "#creating-%d-%lx", (int)getpid(), (unsigned long)ts.tv_nsec ^ (unsigned long)attempt);
    if (mkdirat(rootfd, tmp, 0711) < 0) {
      if (errno == EEXIST && attempt < 100)
        continue;
      return rt_error_set(err, errno, "create the state directory of %s", id);
    }
    fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      unlinkat(rootfd, tmp, AT_REMOVEDIR);
      return rt_error_set(err, e, "open the state directory of %s", id);
    }
  }
  if (flock(fd, LOCK_EX) < 0 || fchmod(fd, 0711) < 0) {
    int e = errno;
    close(fd);
    unlinkat(rootfd, tmp, AT_REMOVEDIR);
    return rt_error_set(err, e, "create the state directory of %s", id);
  }
  /* An id in use is refused before anything is made for it. */
  if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
    close(fd);
    unlinkat(rootfd, tmp, AT_REMOVEDIR);
    return rt_error_set(err, 0, "container with id %s already exists", id);
  }
  return fd;
}

int rt_state_dir_publish(int rootfd, const char *tmp, const char *id, rt_error *err) {
  if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno == EEXIST)
    return rt_error_set(err, 0, "container with id %s already exists", id);
  return rt_error_set(err, errno, "create the state directory of %s", id);
}

int rt_state_dir_open(int rootfd, const char *id, rt_error *err) {
  int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return rt_error_set(err, 0, "container \"%s\" does not exist", id);
    return rt_error_set(err, errno, "open the state of container %s", id);
  }
  return fd;
}

int rt_state_lock(int dirfd, bool exclusive, rt_error *err) {
  while (flock(dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return rt_error_set(err, errno, "lock the container's state");
  return 0;
}

int rt_state_try_lock(int dirfd, bool exclusive, rt_error *err) {
  while (flock(dirfd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK)
      return 0;
    if (errno != EINTR)
      return rt_error_set(err, errno, "lock the container's state");
  }
  return 1;
}

static int remove_tree_at(int dirfd, const char *name);

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int rt_state_list_ids(int rootfd, char ***ids_out, size_t *n_out, rt_error *err) {
  *ids_out = NULL;
  *n_out = 0;
  _cleanup_close_ int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "open the --root directory");
  _cleanup_closedir_ DIR *d = fdopendir(fd);
  if (!d)
    return rt_error_set(err, errno, "read the --root directory");
  int dfd = TAKE_FD(fd); /* d's now */
  /* NULL-terminated all along (ids[n] = NULL), freed unless handed out */
  _cleanup_strv_ char **ids = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  int r = 0;
  errno = 0;
  while ((e = readdir(d))) {
    /* What a create killed before it renamed its new directory into place
     * left (rt_state_dir_create): gone once nobody holds its lock. */
    if (strncmp(e->d_name, "#creating-", 10) == 0) {
      _cleanup_close_ int cfd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      struct stat cs;
      /* older than a few seconds: not one made a moment ago whose creator
       * is about to lock it */
      if (cfd >= 0 && fstat(cfd, &cs) == 0 && cs.st_mtime < time(NULL) - 5 &&
          flock(cfd, LOCK_EX | LOCK_NB) == 0)
        remove_tree_at(dfd, e->d_name);
      continue;
    }
    /* a container is a directory whose name is a valid id ("." and ".." are not) */
    if (rt_state_id_validate(e->d_name, NULL) < 0)
      continue;
    struct stat sb;
    if (fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
      continue;
    if (n + 2 > cap) {
      cap = cap ? 2 * cap : 16;
      char **m = realloc(ids, cap * sizeof *ids);
      if (!m) {
        r = rt_error_set(err, ENOMEM, "list containers");
        break;
      }
      ids = m;
    }
    if (!(ids[n] = strdup(e->d_name))) {
      r = rt_error_set(err, ENOMEM, "list containers");
      break;
    }
    ids[++n] = NULL;
    errno = 0;
  }
  if (!r && errno)
    r = rt_error_set(err, errno, "read the --root directory");
  if (r < 0)
    return r;
  if (n)
    qsort(ids, n, sizeof *ids, cmp_str);
  *ids_out = TAKE_PTR(ids);
  *n_out = n;
  return 0;
}

static int remove_tree_at(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  DIR *d = fdopendir(fd);
  if (!d) {
    rt_safe_close(fd); /* keeps errno */
    return -errno;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    bool is_dir = e->d_type == DT_DIR;
    struct stat sb;
    if (e->d_type == DT_UNKNOWN && fstatat(fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
      is_dir = S_ISDIR(sb.st_mode);
    if (is_dir)
      remove_tree_at(fd, e->d_name);
    else
      unlinkat(fd, e->d_name, 0);
  }
  closedir(d);
  return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

int rt_state_dir_remove(int rootfd, const char *id, rt_error *err) {
  int r = remove_tree_at(rootfd, id);
  if (r < 0 && r != -ENOENT)
    return rt_error_set(err, -r, "remove the state directory of %s", id);
  return 0;
}

/* ---- state.json ---- */

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void gen_kv_str(yajl_gen g, const char *k, const char *v) {
  GS(g, k);
  GS(g, v ? v : "");
}

static void gen_annotations(yajl_gen g, const oci_map *m) {
  yajl_gen_map_open(g);
  for (size_t i = 0; i < m->n; i++) {
    GS(g, m->keys[i]);
    GS(g, m->values[i]);
  }
  yajl_gen_map_close(g);
}

static char *gen_finish(yajl_gen g) {
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    out = malloc(len + 1);
    if (out) {
      memcpy(out, buf, len);
      out[len] = '\0';
    }
  }
  yajl_gen_free(g);
  return out;
}

int rt_state_write(int dirfd, const rt_state *st, rt_error *err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return rt_error_set(err, ENOMEM, "state.json");
  yajl_gen_map_open(g);
  gen_kv_str(g, "id", st->id);
  gen_kv_str(g, "bundle", st->bundle);
  gen_kv_str(g, "rootfs", st->rootfs);
  GS(g, "pid");
  yajl_gen_integer(g, st->pid);
  GS(g, "pidStart");
  yajl_gen_integer(g, (long long)st->pid_start);
  gen_kv_str(g, "created", st->created);
  gen_kv_str(g, "owner", st->owner);
  GS(g, "systemdCgroup");
  yajl_gen_bool(g, st->systemd_cgroup);
  if (st->cgroup_path)
    gen_kv_str(g, "cgroupPath", st->cgroup_path);
  GS(g, "createdStatus");
  yajl_gen_bool(g, st->created_status);
  if (st->creator > 0) {
    GS(g, "creator");
    yajl_gen_integer(g, st->creator);
    GS(g, "creatorStart");
    yajl_gen_integer(g, (long long)st->creator_start);
  }
  GS(g, "annotations");
  gen_annotations(g, &st->annotations);
  yajl_gen_map_close(g);
  _cleanup_free_ char *text = gen_finish(g);
  if (!text)
    return rt_error_set(err, ENOMEM, "state.json");
  return fs_write_file_atomicat(dirfd, "state.json", text, strlen(text), 0600, err);
}

static const char *tree_str(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  return v ? YAJL_GET_STRING(v) : NULL;
}

static char *dup_or_null(const char *s) {
  return s ? strdup(s) : NULL;
}

int rt_state_read(int dirfd, rt_state *st, rt_error *err) {
  memset(st, 0, sizeof *st);
  _cleanup_free_ char *data = NULL;
  if (fs_read_fileat(dirfd, "state.json", STATE_MAX, &data, NULL, err) < 0)
    return -1;
  char ebuf[256];
  yajl_val root = yajl_tree_parse(data, ebuf, sizeof ebuf);
  if (!root || !YAJL_IS_OBJECT(root)) {
    yajl_tree_free(root);
    return rt_error_set(err, 0, "state.json: invalid JSON: %s", ebuf);
  }
  st->id = dup_or_null(tree_str(root, "id"));
  st->bundle = dup_or_null(tree_str(root, "bundle"));
  st->rootfs = dup_or_null(tree_str(root, "rootfs"));
  st->created = dup_or_null(tree_str(root, "created"));
  st->owner = dup_or_null(tree_str(root, "owner"));
  st->cgroup_path = dup_or_null(tree_str(root, "cgroupPath"));
  const char *p_pid[] = {"pid", NULL}, *p_start[] = {"pidStart", NULL},
             *p_sd[] = {"systemdCgroup", NULL}, *p_cs[] = {"createdStatus", NULL},
             *p_ann[] = {"annotations", NULL}, *p_cr[] = {"creator", NULL},
             *p_crs[] = {"creatorStart", NULL};
  yajl_val v = yajl_tree_get(root, p_pid, yajl_t_number);
  st->pid = v ? (pid_t)YAJL_GET_INTEGER(v) : 0;
  v = yajl_tree_get(root, p_start, yajl_t_number);
  st->pid_start = v ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
  v = yajl_tree_get(root, p_cr, yajl_t_number);
  st->creator = v ? (pid_t)YAJL_GET_INTEGER(v) : 0;
  v = yajl_tree_get(root, p_crs, yajl_t_number);
  st->creator_start = v ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
  v = yajl_tree_get(root, p_sd, yajl_t_any);
  st->systemd_cgroup = v && YAJL_IS_TRUE(v);
  v = yajl_tree_get(root, p_cs, yajl_t_any);
  st->created_status = v && YAJL_IS_TRUE(v);
  v = yajl_tree_get(root, p_ann, yajl_t_object);
  if (v && v->u.object.len) {
    size_t n = v->u.object.len;
    st->annotations.keys = calloc(n, sizeof(char *));
    st->annotations.values = calloc(n, sizeof(char *));
    bool oom = !st->annotations.keys || !st->annotations.values;
    for (size_t i = 0; !oom && i < n; i++) {
      yajl_val val = v->u.object.values[i];
      const char *sv = YAJL_IS_STRING(val) ? YAJL_GET_STRING(val) : NULL;
      if (!sv)
        continue;
      size_t k = st->annotations.n++;
      st->annotations.keys[k] = strdup(v->u.object.keys[i]);
      st->annotations.values[k] = strdup(sv);
      oom = !st->annotations.keys[k] || !st->annotations.values[k];
    }
    if (oom) {
      yajl_tree_free(root);
      return rt_error_set(err, ENOMEM, "state.json: annotations");
    }
  }
  yajl_tree_free(root);
  if (!st->id)
    return rt_error_set(err, 0, "state.json: no id");
  return 0;
}

void rt_state_free(rt_state *st) {
  free(st->id);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->owner);
  free(st->cgroup_path);
  for (size_t i = 0; i < st->annotations.n; i++) {
    free(st->annotations.keys[i]);
    free(st->annotations.values[i]);
  }
  free(st->annotations.keys);
  free(st->annotations.values);
  memset(st, 0, sizeof *st);
}

int rt_state_pid_stat(pid_t pid, unsigned long long *start_time, char *state_letter) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  _cleanup_free_ char *buf = NULL;
  if (fs_read_fd(fd, 4096, &buf, NULL) < 0 || !*buf)
    return -EIO;
  /* comm may hold spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ')
    return -EIO;
  p += 2;
  char letter = *p;
  /* p points at field 3 (state); starttime is field 22. */
  for (int field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p)
      p++;
  }
  if (!p)
    return -EIO;
  if (start_time)
    *start_time = strtoull(p, NULL, 10);
  if (state_letter)
    *state_letter = letter;
  return 0;
}

enum rt_status rt_state_status(int dirfd, const rt_state *st) {
  unsigned long long start;
  char letter;
  if (st->creator > 0) {
    /* A create at work, or one that died before it finished: stopped then,
     * whatever its init does (delete --force takes it all down). */
    if (rt_state_pid_stat(st->creator, &start, &letter) == 0 && start == st->creator_start &&
        letter != 'Z' && letter != 'X')
      return RT_STATUS_CREATING;
    return RT_STATUS_STOPPED;
  }
  if (st->pid <= 0)
    return RT_STATUS_STOPPED;
  if (rt_state_pid_stat(st->pid, &start, &letter) < 0 || letter == 'Z' || letter == 'X' ||
      (st->pid_start && start != st->pid_start))
    return RT_STATUS_STOPPED;
  if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return RT_STATUS_CREATED;
  if (st->cgroup_path && cgroup_is_frozen(st->cgroup_path) == 1)
    return RT_STATUS_PAUSED;
  return RT_STATUS_RUNNING;
}

const char *rt_state_status_name(enum rt_status s) {
  static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
  return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

char *rt_state_to_json(const rt_state *st, enum rt_status status, bool pretty) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return NULL;
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  yajl_gen_map_open(g);
  gen_kv_str(g, "ociVersion", "1.3.0");
  gen_kv_str(g, "id", st->id);
  GS(g, "pid");
  yajl_gen_integer(g, status == RT_STATUS_STOPPED ? 0 : st->pid);
  gen_kv_str(g, "status", rt_state_status_name(status));
  gen_kv_str(g, "bundle", st->bundle);
  gen_kv_str(g, "rootfs", st->rootfs);
  gen_kv_str(g, "created", st->created);
  gen_kv_str(g, "owner", st->owner);
  if (st->annotations.n) {
    GS(g, "annotations");
    gen_annotations(g, &st->annotations);
  }
  yajl_gen_map_close(g);
  return gen_finish(g);
}
