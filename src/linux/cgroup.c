/* rt: cgroups common part: the host's layout, paths, directories rt owns,
 * and the public entry points that dispatch to v1, v2 and systemd. */
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

static int v2_join_error(const char *dir, pid_t pid, rt_error *err);
static bool hier_in_list(const char *ctrls, const char *list, size_t list_len);

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_ROOT "/sys/fs/cgroup"

/* ---- small file helpers ---- */

char *cg_join(const char *mnt, const char *rel) {
  char *p = NULL;
  if (strcmp(rel, "/") == 0)
    rel = "";
  if (asprintf(&p, "%s%s", mnt, rel) < 0)
    return NULL;
  return p;
}

bool cg_file_exists(const char *dir, const char *file) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  return access(path, F_OK) == 0;
}

char *cg_read(const char *dir, const char *file) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  char *data = NULL;
  rt_error e;
  if (fs_read_file(path, 1 << 22, &data, NULL, &e) < 0) {
    errno = e.errnum;
    return NULL;
  }
  size_t n = strlen(data);
  while (n > 0 && data[n - 1] == '\n')
    data[--n] = '\0';
  return data;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v) {
  _cleanup_free_ char *s = cg_read(dir, file);
  if (!s)
    return -1;
  if (strcmp(s, "max") == 0) {
    *v = UINT64_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno || end == s)
    return -1;
  *v = x;
  return 0;
}

int cg_write(const struct cg_ctx *x, const char *dir, const char *file, const char *value,
             const char *field) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  ssize_t w = sys_write_file(path, value, strlen(value));
  if (w < 0) {
    /* Keep the message on one line: multi-line values (io.max) are long. */
    const char *nl = strchr(value, '\n');
    return rt_error_set(x->err, errno, "%s.linux.resources.%s: write %.*s%s to %s", x->src, field,
                        nl ? (int)(nl - value) : (int)strlen(value), value, nl ? "..." : "",
                        path);
  }
  log_debug("cgroup: %s <- %s", path, value);
  return 0;
}

int cg_writef(const struct cg_ctx *x, const char *dir, const char *file, const char *field,
              const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return cg_write(x, dir, file, buf, field);
}

int cg_write_rdma(const struct cg_ctx *x, const char *dir, const oci_resources *r) {
  for (size_t i = 0; i < r->n_rdma; i++) {
    const oci_rdma *d = &r->rdma[i];
    char field[128], handles[32] = "", objects[32] = "";
    snprintf(field, sizeof field, "rdma.%s", d->device);
    if (d->has_hca_handles)
      snprintf(handles, sizeof handles, " hca_handle=%u", d->hca_handles);
    if (d->has_hca_objects)
      snprintf(objects, sizeof objects, " hca_object=%u", d->hca_objects);
    if (cg_writef(x, dir, "rdma.max", field, "%s%s%s", d->device, handles, objects) < 0)
      return -1;
  }
  return 0;
}

int cg_fail(const struct cg_ctx *x, int errnum, const char *field, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return rt_error_set(x->err, errnum, "%s.linux.resources.%s: %s", x->src, field, buf);
}

/* ---- the host's layout ---- */

static struct cg_layout host_layout;
static bool host_layout_done;
static const struct cg_layout *layout_override;

void cg_layout_override(const struct cg_layout *l) {
  layout_override = l;
}

/* Whether `name` is a controller of /proc/cgroups. */
static bool known_controller(const char *name) {
  _cleanup_free_ char *data = NULL;
  rt_error e;
  if (fs_read_file("/proc/cgroups", 1 << 16, &data, NULL, &e) < 0)
    return false;
  for (char *line = data, *next; *line; line = next) {
    next = line + strcspn(line, "\n");
    if (*next)
      *next++ = '\0';
    if (line[0] == '#')
      continue;
    line[strcspn(line, " \t")] = '\0';
    if (strcmp(line, name) == 0)
      return true;
  }
  return false;
}

/* The controllers of a v1 mount from its super options: "rw,cpu,cpuacct" -> "cpu,cpuacct". */
static char *v1_controllers(const char *superopts) {
  _cleanup_free_ char *copy = strdup(superopts);
  char *out = calloc(1, strlen(superopts) + 1);
  if (!copy || !out) {
    free(out);
    return NULL;
  }
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (strncmp(t, "name=", 5) != 0 && !known_controller(t))
      continue;
    if (*out)
      strcat(out, ",");
    strcat(out, t);
  }
  if (!*out) {
    free(out);
    return NULL;
  }
  return out;
}

static bool have_hier(const struct cg_layout *l, const char *ctrls) {
  for (size_t i = 0; i < l->n_v1; i++)
    if (strcmp(l->v1[i].ctrls, ctrls) == 0)
      return true;
  return false;
}

/* One mountinfo line: keep cgroup v1 hierarchies mounted at their root. */
static void layout_add_mount(struct cg_layout *l, const struct rt_mountinfo *m) {
  if (strcmp(m->fstype, "cgroup") != 0)
    return;
  _cleanup_free_ char *ctrls = v1_controllers(m->super_options);
  if (!ctrls || have_hier(l, ctrls))
    return;
  struct cg_hier *n = realloc(l->v1, (l->n_v1 + 1) * sizeof *n);
  if (!n)
    return;
  l->v1 = n;
  l->v1[l->n_v1].mnt = strdup(m->mount_point);
  l->v1[l->n_v1].ctrls = TAKE_PTR(ctrls);
  if (l->v1[l->n_v1].mnt)
    l->n_v1++;
}

static bool is_cgroup2(const char *path) {
  struct statfs sf;
  return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC;
}

static int layout_detect(struct cg_layout *l, rt_error *err) {
  memset(l, 0, sizeof *l);
  if (is_cgroup2(CG_ROOT)) {
    l->mode = CGROUP_MODE_V2;
    l->unified = strdup(CG_ROOT);
    return l->unified ? 0 : rt_error_set(err, ENOMEM, "cgroup layout");
  }
  _cleanup_free_ char *info = NULL;
  if (fs_read_file("/proc/self/mountinfo", 16 << 20, &info, NULL, err) < 0)
    return -1;
  struct rt_mountinfo m;
  for (char *c = info; rt_mountinfo_next(&c, &m) > 0;)
    layout_add_mount(l, &m);
  if (l->n_v1 == 0)
    return rt_error_set(err, ENOENT, "no cgroup file system is mounted under %s", CG_ROOT);
  if (is_cgroup2(CG_ROOT "/unified")) {
    l->mode = CGROUP_MODE_HYBRID;
    l->unified = strdup(CG_ROOT "/unified");
  } else {
    l->mode = CGROUP_MODE_V1;
  }
  return 0;
}

const struct cg_layout *cg_layout_get(rt_error *err) {
  if (layout_override)
    return layout_override;
  if (!host_layout_done) {
    if (layout_detect(&host_layout, err) < 0)
      return NULL;
    host_layout_done = true;
  }
  return &host_layout;
}

int cgroup_mode(rt_error *err) {
  const struct cg_layout *l = cg_layout_get(err);
  return l ? l->mode : -1;
}

const char *cgroup_mode_name(int mode) {
  switch (mode) {
  case CGROUP_MODE_V1: return "v1";
  case CGROUP_MODE_HYBRID: return "hybrid";
  case CGROUP_MODE_V2: return "v2";
  }
  return "unknown";
}

const char *cg_v1_mount(const struct cg_layout *l, const char *ctrl) {
  size_t n = strlen(ctrl);
  for (size_t i = 0; i < l->n_v1; i++) {
    const char *p = l->v1[i].ctrls;
    while (p && *p) {
      if (strncmp(p, ctrl, n) == 0 && (p[n] == ',' || p[n] == '\0'))
        return l->v1[i].mnt;
      p = strchr(p, ',');
      if (p)
        p++;
    }
  }
  return NULL;
}

/* Every directory of the container's cgroup: one per v1 hierarchy, plus the
 * unified one (hybrid, v2). */
static size_t layout_mounts(const struct cg_layout *l, const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < l->n_v1 && n < max; i++)
    out[n++] = l->v1[i].mnt;
  if (l->unified && n < max)
    out[n++] = l->unified;
  return n;
}

/* ---- directories rt owns ---- */

/* Fail closed: without the mark (a filesystem without xattrs, ENOTSUP,
 * included) the directory is not rt's, and rt neither kills what is in it
 * nor removes it: a config may name a cgroup that existed before. */
/* Set by cgroup_destroy_unfinished: a create killed between a mkdir and its
 * mark leaves a directory without one; made after this moment, it is the
 * create's all the same (a cgroup that existed before is older). */
static struct timespec unfinished_since;

bool cg_is_ours(const char *dir) {
  char v[8];
  if (getxattr(dir, CG_XATTR, v, sizeof v) >= 0 || getxattr(dir, CG_XATTR_USER, v, sizeof v) >= 0)
    return true;
  struct stat st;
  if (!unfinished_since.tv_sec || stat(dir, &st) < 0)
    return false;
  return st.st_ctim.tv_sec > unfinished_since.tv_sec ||
         (st.st_ctim.tv_sec == unfinished_since.tv_sec && st.st_ctim.tv_nsec >= unfinished_since.tv_nsec);
}

/* trusted.* needs CAP_SYS_ADMIN in the initial user namespace; rootless
 * (in a cgroup delegated to the user) the mark is a user.* attribute. */
static void mark_ours(const char *dir) {
  if (setxattr(dir, CG_XATTR, "1", 1, 0) == 0)
    return;
  if (errno == ENOTSUP) {
    log_warn("cgroup: %s cannot carry rt's mark (no xattrs): delete will leave it", dir);
    return;
  }
  if (errno == EPERM && setxattr(dir, CG_XATTR_USER, "1", 1, 0) == 0)
    return;
  log_warn("cgroup: mark %s as made by rt: %s", dir, strerror(errno));
}

int cg_mkdir_p(const char *mnt, const char *rel, rt_error *err) {
  _cleanup_free_ char *path = cg_join(mnt, rel);
  if (!path)
    return rt_error_set(err, ENOMEM, "cgroup path");
  size_t base = strlen(mnt), len = strlen(path);
  /* A concurrent remove of an empty ancestor can race with us: retry. */
  for (int attempt = 0; attempt < 5; attempt++) {
    bool again = false;
    for (size_t i = base + 1; i <= len && !again; i++) {
      if (path[i] != '/' && path[i] != '\0')
        continue;
      char c = path[i];
      path[i] = '\0';
      int r = mkdir(path, 0755), e = errno;
      if (r == 0)
        mark_ours(path);
      else if (e == ENOENT)
        again = true;
      else if (e != EEXIST)
        rt_error_set(err, e, "mkdir %s", path);
      path[i] = c;
      if (r < 0 && e != EEXIST && e != ENOENT)
        return -1;
    }
    if (!again)
      return 0;
  }
  return rt_error_set(err, ENOENT, "mkdir %s", path);
}

/* rmdir with a few retries: the kernel may still hold a dying task. */
static int rmdir_retry(const char *dir) {
  for (int i = 0; i < 100; i++) {
    if (rmdir(dir) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      return -1;
    usleep(10000);
  }
  return -1;
}

/* Sub-cgroups the container made inside ours go first (deepest first). */
static int remove_children(const char *dir, rt_error *err) {
  _cleanup_closedir_ DIR *d = opendir(dir);
  if (!d)
    return errno == ENOENT ? 0 : rt_error_set(err, errno, "open %s", dir);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    if (remove_children(sub, err) < 0)
      return -1;
    if (rmdir_retry(sub) < 0)
      return rt_error_set(err, errno, "rmdir %s", sub);
  }
  return 0;
}

int cg_remove(const char *mnt, const char *rel, rt_error *err) {
  _cleanup_free_ char *path = cg_join(mnt, rel);
  if (!path)
    return rt_error_set(err, ENOMEM, "cgroup path");
  size_t base = strlen(mnt);
  if (strlen(path) <= base || access(path, F_OK) < 0 || !cg_is_ours(path))
    return 0; /* never a hierarchy's root, nor what rt did not make */
  if (remove_children(path, err) < 0)
    return -1;
  if (rmdir_retry(path) < 0)
    return rt_error_set(err, errno, "rmdir %s", path);
  /* Ancestors rt made, while they are empty (another container may use them). */
  for (char *s = strrchr(path, '/'); s && (size_t)(s - path) > base; s = strrchr(path, '/')) {
    *s = '\0';
    if (!cg_is_ours(path) || rmdir(path) < 0)
      break;
  }
  return 0;
}

/* ---- paths ---- */

/* The cgroupfs path of a container: absolute or relative cgroupsPath under the
 * root of each hierarchy, "/<id>" when empty; ".." never leaves the root. */
static char *fs_rel_path(const oci_config *c, const char *id) {
  const char *p = c && c->linux_ ? c->linux_->cgroups_path : NULL;
  _cleanup_free_ char *abs = NULL;
  if (!p || !*p) {
    if (asprintf(&abs, "/%s", id) < 0)
      return NULL;
  } else if (asprintf(&abs, "%s%s", p[0] == '/' ? "" : "/", p) < 0) {
    return NULL;
  }
  return fs_clean_path(abs);
}

/* ---- processes ---- */

static int add_pid(pid_t **pids, size_t *n, size_t *cap, pid_t pid) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    pid_t *np = realloc(*pids, nc * sizeof *np);
    if (!np)
      return -1;
    *pids = np;
    *cap = nc;
  }
  (*pids)[(*n)++] = pid;
  return 0;
}

static int read_procs(const char *dir, pid_t **pids, size_t *n, size_t *cap, rt_error *err) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  if (!f)
    return rt_error_set(err, errno, "open %s", path);
  long v;
  while (fscanf(f, "%ld", &v) == 1)
    if (add_pid(pids, n, cap, (pid_t)v) < 0)
      return rt_error_set(err, ENOMEM, "read %s", path);
  _cleanup_closedir_ DIR *d = opendir(dir);
  if (!d)
    return rt_error_set(err, errno, "open %s", dir);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (read_procs(path, pids, n, cap, err) < 0 && err->errnum != ENOENT)
      return -1;
  }
  return 0;
}

/* The hierarchy whose directory lists the container's processes. */
static char *procs_dir(const struct cg_layout *l, const char *rel) {
  static const char *const pref[] = {"pids", "freezer", "memory", "devices", "cpu", "name=systemd"};
  if (l->mode == CGROUP_MODE_V2)
    return cg_join(l->unified, rel);
  for (size_t i = 0; i < ARRAY_SIZE(pref); i++) {
    const char *m = cg_v1_mount(l, pref[i]);
    if (m)
      return cg_join(m, rel);
  }
  return cg_join(l->n_v1 ? l->v1[0].mnt : l->unified, rel);
}

int cgroup_pids(const char *path, pid_t **pids, size_t *n, rt_error *err) {
  *pids = NULL;
  *n = 0;
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  _cleanup_free_ char *dir = procs_dir(l, path);
  if (!dir)
    return rt_error_set(err, ENOMEM, "cgroup path");
  size_t cap = 0;
  if (read_procs(dir, pids, n, &cap, err) < 0) {
    free(*pids);
    *pids = NULL;
    *n = 0;
    return -1;
  }
  return 0;
}

/* ---- freezer ---- */

/* Where the freezer is: the v1 freezer hierarchy, else cgroup.freeze on v2. */
static char *freezer_dir(const struct cg_layout *l, const char *rel, bool *v1) {
  const char *m = l->mode == CGROUP_MODE_V2 ? NULL : cg_v1_mount(l, "freezer");
  *v1 = m != NULL;
  if (m)
    return cg_join(m, rel);
  return l->unified ? cg_join(l->unified, rel) : NULL;
}

static void sleep_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* v1: FREEZING may take a while (a task in an uninterruptible sleep); retry
 * the write as runc does, and give up after about 10 s. */
static int freeze_v1(const char *dir, bool freeze, rt_error *err) {
  const char *want = freeze ? "FROZEN" : "THAWED";
  struct cg_ctx x = {.src = "", .err = err};
  for (int i = 0; i < 1000; i++) {
    if (i % 50 == 0 && cg_write(&x, dir, "freezer.state", want, "freezer") < 0)
      return rt_error_set(err, err->errnum, "write %s to %s/freezer.state", want, dir);
    _cleanup_free_ char *s = cg_read(dir, "freezer.state");
    if (!s)
      return rt_error_set(err, errno, "read %s/freezer.state", dir);
    if (strcmp(s, want) == 0)
      return 0;
    sleep_ms(10);
  }
  if (freeze) {
    struct cg_ctx y = {.src = "", .err = NULL};
    cg_write(&y, dir, "freezer.state", "THAWED", "freezer");
  }
  return rt_error_set(err, EBUSY, "%s %s: timed out", freeze ? "freeze" : "thaw", dir);
}

/* v2: write cgroup.freeze, then wait for cgroup.events to say "frozen N". */
static int freeze_v2(const char *dir, bool freeze, rt_error *err) {
  struct cg_ctx x = {.src = "", .err = err};
  if (!cg_file_exists(dir, "cgroup.freeze"))
    return rt_error_set(err, ENOTSUP, "%s: the kernel has no cgroup.freeze", dir);
  if (cg_write(&x, dir, "cgroup.freeze", freeze ? "1" : "0", "freezer") < 0)
    return rt_error_set(err, err->errnum, "write %d to %s/cgroup.freeze", freeze, dir);
  const char *want = freeze ? "frozen 1" : "frozen 0";
  for (int i = 0; i < 1000; i++) {
    _cleanup_free_ char *ev = cg_read(dir, "cgroup.events");
    if (!ev)
      return rt_error_set(err, errno, "read %s/cgroup.events", dir);
    if (strstr(ev, want))
      return 0;
    sleep_ms(10);
  }
  return rt_error_set(err, EBUSY, "%s %s: timed out", freeze ? "freeze" : "thaw", dir);
}

int cgroup_freeze(const char *path, bool freeze, rt_error *err) {
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  bool v1;
  _cleanup_free_ char *dir = freezer_dir(l, path, &v1);
  if (!dir)
    return rt_error_set(err, ENOENT, "no freezer: neither a v1 freezer hierarchy nor cgroup2");
  if (access(dir, F_OK) < 0)
    return rt_error_set(err, errno, "cgroup %s", dir);
  return v1 ? freeze_v1(dir, freeze, err) : freeze_v2(dir, freeze, err);
}

int cgroup_is_frozen(const char *path) {
  rt_error err;
  const struct cg_layout *l = cg_layout_get(&err);
  if (!l || !path)
    return -EINVAL;
  bool v1;
  _cleanup_free_ char *dir = freezer_dir(l, path, &v1);
  if (!dir)
    return -ENOENT;
  _cleanup_free_ char *s = cg_read(dir, v1 ? "freezer.state" : "cgroup.freeze");
  if (!s)
    return -errno;
  /* FREEZING counts as frozen: the pause was asked for and is under way. */
  return v1 ? strcmp(s, "THAWED") != 0 : strcmp(s, "1") == 0;
}

/* ---- kill and wait ---- */

static void kill_pids(const char *rel) {
  rt_error e;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n;
  if (cgroup_pids(rel, &pids, &n, &e) < 0)
    return;
  for (size_t i = 0; i < n; i++)
    if (pids[i] > 0)
      kill(pids[i], SIGKILL);
}

/* SIGKILL everything inside and wait (about 10 s at most) until it is empty. */
static int kill_and_wait(const struct cg_layout *l, const char *rel, rt_error *err) {
  _cleanup_free_ char *pdir = procs_dir(l, rel);
  if (!pdir || access(pdir, F_OK) < 0)
    return 0;
  struct cg_ctx x = {.src = "", .err = NULL};
  bool killed = false;
  if (l->mode == CGROUP_MODE_V2 && cg_file_exists(pdir, "cgroup.kill"))
    killed = cg_write(&x, pdir, "cgroup.kill", "1", "kill") == 0;
  for (int i = 0; i < 1000; i++) {
    rt_error e;
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(rel, &pids, &n, &e) < 0 || n == 0)
      return 0;
    if (!killed || i % 100 == 99) {
      /* Frozen tasks die only once thawed: freeze (no new forks), kill, thaw. */
      bool frozen = cgroup_freeze(rel, true, &e) == 0;
      kill_pids(rel);
      if (frozen || cgroup_is_frozen(rel) == 1)
        cgroup_freeze(rel, false, &e);
      killed = true;
    }
    sleep_ms(10);
  }
  return rt_error_set(err, EBUSY, "cgroup %s: processes still inside after SIGKILL", pdir);
}

/* ---- enter, update, destroy ---- */

static int remove_all(const struct cg_layout *l, const char *rel, rt_error *err) {
  const char *mnts[64];
  size_t n = layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  int ret = 0;
  for (size_t i = 0; i < n; i++) {
    rt_error e;
    if (cg_remove(mnts[i], rel, &e) < 0 && ret == 0) {
      *err = e;
      ret = -1;
    }
  }
  return ret;
}

/* Hybrid: whether the unified hierarchy must take part of r (controllers
 * that have no v1 hierarchy, e.g. hugetlb, and unified keys). */
static bool hybrid_needs_unified(const struct cg_layout *l, const oci_resources *r) {
  if (!r)
    return false;
  if (r->n_hugepage_limits && !cg_v1_mount(l, "hugetlb"))
    return true;
  for (size_t i = 0; i < r->unified.n; i++) {
    _cleanup_free_ char *ctrl = cg_unified_controller(r->unified.keys[i]);
    if (ctrl && !cg_v1_mount(l, ctrl))
      return true;
  }
  return false;
}

/* Hybrid: the part of r for the unified hierarchy, to know which controllers
 * to enable there. Borrows r's strings; free only the arrays. */
static int hybrid_part(const struct cg_layout *l, const oci_resources *r, oci_resources *sub) {
  memset(sub, 0, sizeof *sub);
  if (!cg_v1_mount(l, "hugetlb")) {
    sub->hugepage_limits = r->hugepage_limits;
    sub->n_hugepage_limits = r->n_hugepage_limits;
  }
  sub->unified.keys = calloc(r->unified.n + 1, sizeof(char *));
  sub->unified.values = calloc(r->unified.n + 1, sizeof(char *));
  if (!sub->unified.keys || !sub->unified.values)
    return -1;
  for (size_t i = 0; i < r->unified.n; i++) {
    _cleanup_free_ char *ctrl = cg_unified_controller(r->unified.keys[i]);
    if (!ctrl || cg_v1_mount(l, ctrl))
      continue;
    sub->unified.keys[sub->unified.n] = r->unified.keys[i];
    sub->unified.values[sub->unified.n++] = r->unified.values[i];
  }
  return 0;
}

static int apply_v1(const struct cg_ctx *x, const oci_resources *r) {
  const struct cg_layout *l = x->l;
  if (l->mode == CGROUP_MODE_HYBRID && hybrid_needs_unified(l, r)) {
    oci_resources sub;
    int ret = hybrid_part(l, r, &sub);
    if (ret == 0)
      ret = cg_v2_enable(x, l->unified, &sub, false);
    else
      rt_error_set(x->err, ENOMEM, "cgroup resources");
    free(sub.unified.keys);
    free(sub.unified.values);
    if (ret < 0)
      return -1;
    _cleanup_free_ char *dir = cg_join(l->unified, x->rel);
    if (!dir)
      return rt_error_set(x->err, ENOMEM, "cgroup path");
    if (!cg_v1_mount(l, "hugetlb") && cg_v2_apply_hugetlb(x, dir, r) < 0)
      return -1;
  }
  return cg_v1_apply(x, r);
}

static int apply_resources(const struct cg_ctx *x, const oci_resources *r) {
  if (x->l->mode == CGROUP_MODE_V2) {
    if (cg_v2_enable(x, x->l->unified, r, true) < 0)
      return -1;
    return r ? cg_v2_apply(x, x->l->unified, r) : 0;
  }
  return r ? apply_v1(x, r) : 0;
}

static int make_dirs(const struct cg_layout *l, const char *rel, rt_error *err) {
  const char *mnts[64];
  size_t n = layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  for (size_t i = 0; i < n; i++)
    if (cg_mkdir_p(mnts[i], rel, err) < 0)
      return -1;
  const char *cpuset = l->mode == CGROUP_MODE_V2 ? NULL : cg_v1_mount(l, "cpuset");
  if (cpuset && cg_v1_cpuset_init(cpuset, rel, err) < 0)
    return -1;
  return 0;
}

static int join(const struct cg_layout *l, const char *rel, pid_t pid, rt_error *err) {
  const char *mnts[64];
  size_t n = layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *dir = cg_join(mnts[i], rel);
    struct cg_ctx x = {.src = "", .err = err};
    if (!dir)
      return rt_error_set(err, ENOMEM, "cgroup path");
    if (cg_write(&x, dir, "cgroup.procs", value, "") < 0)
      return v2_join_error(dir, pid, err);
  }
  return 0;
}

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

static int v2_join_error(const char *dir, pid_t pid, rt_error *err) {
  /* v2: a child of a cgroup that has processes and threaded controllers. */
  _cleanup_free_ char *type = err->errnum == EOPNOTSUPP ? cg_read(dir, "cgroup.type") : NULL;
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
  struct cg_ctx x = {.src = "", .err = err};
  if (cg_write(&x, a->into_dir, "cgroup.procs", value, "") < 0)
    return v2_join_error(a->into_dir, pid, err);
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

static int parse_subs(const struct cg_layout *l, char *copy, struct sub_spec *v, size_t *n,
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

static int attach_dirs(const struct cg_layout *l, const char *rel, const char *sub,
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
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  if (attach_dirs(l, path, sub, a, err) < 0) {
    cgroup_attach_close(a);
    return -1;
  }
  return 0;
}

/* What every container may use, appended after the config's rules as runc
 * does (so they win): mknod of anything, the standard character devices,
 * ptys (136:*, ptmx) and tun. Devices of linux.devices get no rule of their
 * own (runc): a config that denies all allows them in linux.resources.devices. */
#define DEV(t, ma, mi, acc)                                                              \
  {.allow = true, .type = t, .has_major = (ma) >= 0, .major = ma, .has_minor = (mi) >= 0, \
   .minor = mi, .access = acc}
static const oci_device_cgroup default_rules[] = {
    DEV("c", -1, -1, "m"), DEV("b", -1, -1, "m"),   DEV("c", 1, 3, "rwm"),
    DEV("c", 1, 8, "rwm"), DEV("c", 1, 7, "rwm"),   DEV("c", 5, 0, "rwm"),
    DEV("c", 1, 5, "rwm"), DEV("c", 1, 9, "rwm"),   DEV("c", 136, -1, "rwm"),
    DEV("c", 5, 2, "rwm"), DEV("c", 10, 200, "rwm"),
};
#undef DEV

/* The device rules at create: the config's, then the defaults. Strings are
 * borrowed. */
oci_device_cgroup *cg_create_rules(const oci_resources *r, size_t *n) {
  size_t nr = r ? r->n_devices : 0;
  oci_device_cgroup *v = calloc(nr + ARRAY_SIZE(default_rules) + 1, sizeof *v);
  if (!v)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < nr; i++)
    v[k++] = r->devices[i];
  for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
    v[k++] = default_rules[i];
  *n = k;
  return v;
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
  struct cg_ctx x = {.src = "", .err = err};
  int ret = 0;
  for (size_t i = 0; i < a.n_tasks && ret == 0; i++)
    if (cg_write(&x, a.task_dirs[i], "cgroup.procs", value, "") < 0)
      ret = rt_error_set(err, err->errnum, "move pid %d into cgroup %s", (int)pid, a.task_dirs[i]);
  if (ret == 0)
    ret = cgroup_attach_pid_v2(&a, pid, err);
  cgroup_attach_close(&a);
  return ret;
}

/* runc's reading of zeros: a memory value or a CPU quota, period, shares or
 * real-time runtime of 0 means "not set" (a memory limit of 0 would kill the
 * container at once); pids.limit 0 stays a real limit (config-linux.md).
 * Copies r's memory and cpu objects into mem and cpu; strings are borrowed. */
static void zero_is_unset(oci_resources *r, oci_memory *mem, oci_cpu *cpu) {
  if (r->memory) {
    *mem = *r->memory;
    mem->has_limit &= mem->limit != 0;
    mem->has_reservation &= mem->reservation != 0;
    mem->has_swap &= mem->swap != 0;
    mem->has_kernel &= mem->kernel != 0;
    mem->has_kernel_tcp &= mem->kernel_tcp != 0;
    r->memory = mem;
  }
  if (r->cpu) {
    *cpu = *r->cpu;
    cpu->has_quota &= cpu->quota != 0;
    cpu->has_period &= cpu->period != 0;
    cpu->has_shares &= cpu->shares != 0;
    cpu->has_realtime_runtime &= cpu->realtime_runtime != 0;
    cpu->has_realtime_period &= cpu->realtime_period != 0;
    r->cpu = cpu;
  }
}

/* The cgroupfs part of enter, also used after systemd made the scope. */
static int fs_enter(const struct cg_layout *l, const char *rel, const oci_resources *r, pid_t pid,
                    rt_error *err) {
  struct cg_ctx x = {.l = l, .rel = rel, .src = "config.json: ", .err = err};
  if (make_dirs(l, rel, err) < 0 || apply_resources(&x, r) < 0 || join(l, rel, pid, err) < 0) {
    rt_error e;
    remove_all(l, rel, &e);
    return -1;
  }
  return 0;
}

/* The resources applied at create: the device rules always (runc): the
 * config's, then the defaults; everything else only when given, with
 * runc's zeros. Strings are borrowed; free rules. Do not copy the struct
 * (eff points into it). */
struct create_res {
  oci_resources eff;
  oci_device_cgroup *rules;
  oci_memory mem;
  oci_cpu cpu;
};

static int create_res_init(const oci_config *c, struct create_res *cr, rt_error *err) {
  const oci_resources *given = c && c->linux_ ? c->linux_->resources : NULL;
  cr->eff = given ? *given : (oci_resources){0};
  cr->rules = cg_create_rules(given, &cr->eff.n_devices);
  if (!cr->rules)
    return rt_error_set(err, ENOMEM, "cgroup device rules");
  cr->eff.devices = cr->rules;
  zero_is_unset(&cr->eff, &cr->mem, &cr->cpu);
  return 0;
}

int cgroup_enter(const oci_config *c, const char *id, bool systemd, pid_t pid, char **path_out,
                 rt_error *err) {
  *path_out = NULL;
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  if (!systemd) {
    struct cgroup_attach a = CGROUP_ATTACH_INIT;
    if (cgroup_create(c, id, path_out, &a, err) < 0)
      return -1;
    cgroup_attach_close(&a);
    if (cgroup_join(*path_out, NULL, pid, err) < 0) {
      rt_error e;
      remove_all(l, *path_out, &e);
      free(*path_out);
      *path_out = NULL;
      return -1;
    }
    return 0;
  }
  struct create_res cres;
  if (create_res_init(c, &cres, err) < 0)
    return -1;
  _cleanup_free_ oci_device_cgroup *rules = cres.rules;
  _cleanup_free_ char *rel = NULL;
  if (cg_systemd_start(c, id, pid, &rel, err) < 0)
    return -1;
  if (fs_enter(l, rel, &cres.eff, pid, err) < 0) {
    rt_error e;
    cg_systemd_stop(rel, &e);
    return -1;
  }
  log_debug("cgroup: %s (%s) for %s", rel, cgroup_mode_name(l->mode), id);
  *path_out = TAKE_PTR(rel);
  return 0;
}

char *cgroup_planned_path(const oci_config *c, const char *id) {
  return fs_rel_path(c, id);
}

int cgroup_create(const oci_config *c, const char *id, char **path_out, struct cgroup_attach *a,
                  rt_error *err) {
  *path_out = NULL;
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  struct create_res cres;
  if (create_res_init(c, &cres, err) < 0)
    return -1;
  _cleanup_free_ oci_device_cgroup *rules = cres.rules;
  _cleanup_free_ char *rel = fs_rel_path(c, id);
  if (!rel)
    return rt_error_set(err, ENOMEM, "cgroup path");
  struct cg_ctx x = {.l = l, .rel = rel, .src = "config.json: ", .err = err};
  if (make_dirs(l, rel, err) < 0 || apply_resources(&x, &cres.eff) < 0 ||
      attach_dirs(l, rel, NULL, a, err) < 0) {
    rt_error e;
    cgroup_attach_close(a);
    remove_all(l, rel, &e);
    return -1;
  }
  log_debug("cgroup: %s (%s) for %s", rel, cgroup_mode_name(l->mode), id);
  *path_out = TAKE_PTR(rel);
  return 0;
}

int cgroup_update(const char *path, bool systemd, const oci_resources *given, rt_error *err) {
  if (!given)
    return 0;
  oci_resources eff = *given;
  oci_memory mem;
  oci_cpu cpu;
  zero_is_unset(&eff, &mem, &cpu);
  const oci_resources *r = &eff;
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  if (!path || !*path)
    return rt_error_set(err, EINVAL, "the container has no cgroup");
  _cleanup_free_ char *probe = procs_dir(l, path);
  if (!probe)
    return rt_error_set(err, ENOMEM, "cgroup path");
  if (access(probe, F_OK) < 0)
    return rt_error_set(err, errno, "cgroup %s", probe);
  struct cg_ctx x = {.l = l, .rel = path, .src = "", .update = true, .err = err};
  if (apply_resources(&x, r) < 0)
    return -1;
  if (systemd) {
    rt_error e;
    if (cg_systemd_update(path, r, &e) < 0)
      log_warn("%s", e.msg);
  }
  return 0;
}

int cgroup_destroy_unfinished(const char *path, bool systemd, const struct timespec *since,
                              rt_error *err) {
  unfinished_since = *since;
  int r = cgroup_destroy(path, systemd, err);
  unfinished_since = (struct timespec){0};
  return r;
}

int cgroup_destroy(const char *path, bool systemd, rt_error *err) {
  if (!path || !*path)
    return 0;
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  _cleanup_free_ char *pdir = procs_dir(l, path);
  if (pdir && access(pdir, F_OK) == 0 && (systemd || cg_is_ours(pdir)) &&
      kill_and_wait(l, path, err) < 0)
    return -1;
  if (systemd) {
    rt_error e;
    if (cg_systemd_stop(path, &e) < 0)
      log_warn("%s", e.msg);
  }
  return remove_all(l, path, err);
}

/* config-linux.md "Cgroup ownership": only on cgroup v2 (delegation is not
 * safe on v1), only with a new cgroup namespace, and only when the config
 * mounts the cgroup file system at /sys/fs/cgroup read-write. */
bool cgroup_wants_delegation(const oci_config *c) {
  rt_error e;
  const struct cg_layout *l = cg_layout_get(&e);
  if (!l || l->mode != CGROUP_MODE_V2 || !c->linux_ || !ns_is_new(c->linux_, "cgroup"))
    return false;
  for (size_t i = 0; i < c->n_mounts; i++) {
    const oci_mount *m = &c->mounts[i];
    if (!m->source || strcmp(m->source, "cgroup") != 0 || !m->destination)
      continue;
    _cleanup_free_ char *dest = fs_clean_path(m->destination); /* "/sys/fs/cgroup/" too */
    if (!dest || strcmp(dest, "/sys/fs/cgroup") != 0)
      continue;
    bool ro = false;
    for (size_t j = 0; j < m->n_options; j++)
      ro |= strcmp(m->options[j], "ro") == 0;
    return !ro;
  }
  return false;
}

/* The files a delegatee may write (cgroups(7) "Cgroups v2 delegation"):
 * /sys/kernel/cgroup/delegate, or the spec's list when it is absent. */
static char *delegate_files(void) {
  char *s = NULL;
  size_t n = 0;
  rt_error e;
  if (fs_read_file("/sys/kernel/cgroup/delegate", 4096, &s, &n, &e) == 0)
    return s;
  return strdup("cgroup.procs\ncgroup.subtree_control\ncgroup.threads\n");
}

int cgroup_delegate(const char *path, uid_t uid, gid_t gid, rt_error *err) {
  const struct cg_layout *l = cg_layout_get(err);
  if (!l)
    return -1;
  _cleanup_free_ char *dir = NULL;
  if (asprintf(&dir, "%s%s", l->unified, path) < 0)
    return rt_error_set(err, ENOMEM, "cgroup path");
  _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0 || fchown(dfd, uid, gid) < 0)
    return rt_error_set(err, errno, "cgroup ownership: chown %s to %u:%u", dir, (unsigned)uid, (unsigned)gid);
  _cleanup_free_ char *files = delegate_files();
  if (!files)
    return rt_error_set(err, ENOMEM, "cgroup ownership");
  char *save = NULL;
  for (char *f = strtok_r(files, "\n", &save); f; f = strtok_r(NULL, "\n", &save)) {
    if (!*f || strchr(f, '/'))
      continue;
    /* not every listed file exists in every cgroup (the spec: not an error) */
    if (fchownat(dfd, f, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
      return rt_error_set(err, errno, "cgroup ownership: chown %s/%s to %u:%u", dir, f, (unsigned)uid,
                          (unsigned)gid);
  }
  log_debug("cgroup: %s delegated to %u:%u", dir, (unsigned)uid, (unsigned)gid);
  return 0;
}
