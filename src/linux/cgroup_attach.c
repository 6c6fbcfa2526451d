/* rt: entering a container's cgroup without moving another process (see
 * cgroup.h): the directories opened before clone3, entered by the child
 * itself (v1) or by clone3 (v2); and rt exec --cgroup's sub-cgroups. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "linux/namespaces.h"
#include "linux/sys.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mountinfo.h"

static bool hier_in_list(const char *ctrls, const char *list, size_t list_len);

/* ---- entering without moving another process (see cgroup.h) ---- */

void cgroup_attach_close(struct cgroup_attach *a) {
  if (a->into_fd >= 0)
    close(a->into_fd);
  a->into_fd = -1;
  free(a->into_dir);
  a->into_dir = NULL;
  for (size_t i = 0; i < a->n_tasks; i++) {
    if (a->task_fds[i] >= 0)
      close(a->task_fds[i]);
    free(a->task_dirs[i]);
  }
  free(a->task_fds);
  free(a->task_dirs);
  a->task_fds = NULL;
  a->task_dirs = NULL;
  a->n_tasks = 0;
}

/* dir is taken over (freed on error too). */
static int attach_add(struct cgroup_attach *a, char *dir, bool v2, rt_error *err) {
  if (v2) {
    a->into_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (a->into_fd < 0) {
      rt_error_set(err, errno, "cgroup %s", dir);
      free(dir);
      return -1;
    }
    a->into_dir = dir;
    return 0;
  }
  _cleanup_free_ char *file = NULL;
  if (asprintf(&file, "%s/tasks", dir) < 0) {
    free(dir);
    return rt_error_set(err, ENOMEM, "cgroup path");
  }
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    rt_error_set(err, errno, "open %s", file);
    free(dir);
    return -1;
  }
  int *nf = realloc(a->task_fds, (a->n_tasks + 1) * sizeof *nf);
  if (nf)
    a->task_fds = nf;
  char **nd = nf ? realloc(a->task_dirs, (a->n_tasks + 1) * sizeof *nd) : NULL;
  if (nd)
    a->task_dirs = nd;
  if (!nf || !nd) {
    close(fd);
    free(dir);
    return rt_error_set(err, ENOMEM, "cgroup attach");
  }
  a->task_fds[a->n_tasks] = fd;
  a->task_dirs[a->n_tasks++] = dir;
  return 0;
}

int cgroup_attach_self(struct cgroup_attach *a, rt_error *err) {
  int ret = 0;
  for (size_t i = 0; i < a->n_tasks; i++) {
    if (ret == 0 && write(a->task_fds[i], "0", 1) != 1)
      ret = rt_error_set(err, errno, "enter cgroup %s", a->task_dirs[i]);
    close(a->task_fds[i]);
    a->task_fds[i] = -1;
  }
  if (a->into_fd >= 0)
    close(a->into_fd);
  a->into_fd = -1;
  return ret;
}

int cgroup_v2_join_error(const char *dir, pid_t pid, rt_error *err) {
  /* v2: a child of a cgroup that has processes and threaded controllers. */
  _cleanup_free_ char *type = err->errnum == EOPNOTSUPP ? cgroup_read_file(dir, "cgroup.type") : NULL;
  if (type && strcmp(type, "domain invalid") == 0)
    return rt_error_set(err, EOPNOTSUPP,
                        "move pid %d into cgroup %s: it is \"domain invalid\" (its parent "
                        "has processes of its own and threaded controllers enabled)",
                        (int)pid, dir);
  return rt_error_set(err, err->errnum, "move pid %d into cgroup %s", (int)pid, dir);
}

int cgroup_attach_pid_v2(const struct cgroup_attach *a, pid_t pid, rt_error *err) {
  if (!a->into_dir)
    return 0;
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  struct cgroup_ctx x = {.src = "", .err = err};
  if (cgroup_write(&x, a->into_dir, "cgroup.procs", value, "") < 0)
    return cgroup_v2_join_error(a->into_dir, pid, err);
  return 0;
}

/* The directories of rel (plus sub) in every hierarchy, as cgroup_join
 * picks them, into *a. */
/* exec --cgroup: specs "name" (every hierarchy) or "ctrl[,ctrl]:name" (those
 * v1 controllers), one per line when the flag was repeated. For each
 * hierarchy: the last spec naming one of its controllers, else the last
 * spec without controllers, else the container's cgroup itself; never
 * outside the container's cgroup (a hierarchy no spec names stays the
 * container's, as runc). On cgroup v2 the controllers are ignored. */
#define MAX_SUBS 16
struct sub_spec {
  const char *ctrls; /* NULL: every hierarchy */
  size_t ctrls_len;
  char *name;
};

static int parse_subs(const struct cgroup_layout *l, char *copy, struct sub_spec *v, size_t *n,
                      rt_error *err) {
  *n = 0;
  char *save = NULL;
  for (char *t = strtok_r(copy, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
    if (*n == MAX_SUBS)
      return rt_error_set(err, EINVAL, "--cgroup: at most %d of them", MAX_SUBS);
    char *colon = strchr(t, ':');
    struct sub_spec s = {.name = colon ? colon + 1 : t};
    if (colon) {
      s.ctrls = t;
      s.ctrls_len = (size_t)(colon - t);
    }
    if (!*s.name || strstr(s.name, "..") || s.name[0] == '/')
      return rt_error_set(err, EINVAL, "--cgroup %s: invalid sub-cgroup", t);
    if (s.ctrls && l->mode != CGROUP_MODE_V2) {
      /* every controller named must be one of this host's v1 controllers */
      _cleanup_free_ char *list = strndup(s.ctrls, s.ctrls_len);
      char *cs = NULL;
      for (char *c = list ? strtok_r(list, ",", &cs) : NULL; c; c = strtok_r(NULL, ",", &cs)) {
        bool known = false;
        for (size_t i = 0; i < l->n_v1 && !known; i++)
          known = hier_in_list(l->v1[i].ctrls, c, strlen(c));
        if (!known)
          return rt_error_set(err, EINVAL, "--cgroup %s: no cgroup v1 controller \"%s\" on this host", t, c);
      }
    }
    v[(*n)++] = s;
  }
  return 0;
}

int cgroup_attach_dirs(const struct cgroup_layout *l, const char *rel, const char *sub,
                   struct cgroup_attach *a, rt_error *err) {
  _cleanup_free_ char *copy = sub ? strdup(sub) : NULL;
  if (sub && !copy)
    return rt_error_set(err, ENOMEM, "--cgroup");
  struct sub_spec subs[MAX_SUBS];
  size_t n = 0;
  if (copy && parse_subs(l, copy, subs, &n, err) < 0)
    return -1;
  for (size_t i = 0; i <= l->n_v1; i++) {
    bool v2 = i == l->n_v1;
    const char *mnt = v2 ? l->unified : l->v1[i].mnt;
    if (!mnt)
      continue;
    const char *name = NULL, *all = NULL;
    for (size_t k = 0; k < n; k++) {
      if (!subs[k].ctrls)
        all = subs[k].name;
      else if (v2 ? l->mode == CGROUP_MODE_V2
                  : hier_in_list(l->v1[i].ctrls, subs[k].ctrls, subs[k].ctrls_len))
        name = subs[k].name;
    }
    if (!name)
      name = all;
    char *dir = NULL;
    if (asprintf(&dir, "%s%s%s%s", mnt, strcmp(rel, "/") ? rel : "", name ? "/" : "",
                 name ? name : "") < 0)
      return rt_error_set(err, ENOMEM, "cgroup path");
    if (access(dir, F_OK) < 0) {
      rt_error_set(err, errno, "cgroup %s", dir);
      free(dir);
      return -1;
    }
    if (attach_add(a, dir, v2, err) < 0)
      return -1;
  }
  return 0;
}

int cgroup_attach_open(const char *path, const char *sub, struct cgroup_attach *a, rt_error *err) {
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  if (cgroup_attach_dirs(l, path, sub, a, err) < 0) {
    cgroup_attach_close(a);
    return -1;
  }
  return 0;
}


/* Whether the v1 hierarchy with controllers `ctrls` is named in `list` ("cpu,memory"). */
static bool hier_in_list(const char *ctrls, const char *list, size_t list_len) {
  _cleanup_free_ char *l = strndup(list, list_len);
  char *save = NULL;
  for (char *t = l ? strtok_r(l, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
    size_t n = strlen(t);
    for (const char *p = ctrls; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
      if (strncmp(p, t, n) == 0 && (p[n] == ',' || p[n] == '\0'))
        return true;
  }
  return false;
}

int cgroup_join(const char *path, const char *sub, pid_t pid, rt_error *err) {
  struct cgroup_attach a = CGROUP_ATTACH_INIT;
  if (cgroup_attach_open(path, sub, &a, err) < 0)
    return -1;
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  struct cgroup_ctx x = {.src = "", .err = err};
  int ret = 0;
  for (size_t i = 0; i < a.n_tasks && ret == 0; i++)
    if (cgroup_write(&x, a.task_dirs[i], "cgroup.procs", value, "") < 0)
      ret = rt_error_set(err, err->errnum, "move pid %d into cgroup %s", (int)pid, a.task_dirs[i]);
  if (ret == 0)
    ret = cgroup_attach_pid_v2(&a, pid, err);
  cgroup_attach_close(&a);
  return ret;
}

