/* rt: what every cgroup file builds on: reading and writing cgroup files
 * (with errors that name the config field), the host's layout (v1, hybrid,
 * v2), the directories rt owns (marked with an xattr), the default device
 * rules and the v1 <-> v2 conversions. Calls no other cgroup file. */
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


#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

/* ---- small file helpers ---- */

char *cgroup_path_join(const char *mnt, const char *rel) {
  char *p = NULL;
  if (strcmp(rel, "/") == 0)
    rel = "";
  if (asprintf(&p, "%s%s", mnt, rel) < 0)
    return NULL;
  return p;
}

bool cgroup_file_exists(const char *dir, const char *file) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  return access(path, F_OK) == 0;
}

char *cgroup_read_file(const char *dir, const char *file) {
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

int cgroup_read_u64(const char *dir, const char *file, uint64_t *v) {
  _cleanup_free_ char *s = cgroup_read_file(dir, file);
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

int cgroup_write(const struct cgroup_ctx *x, const char *dir, const char *file, const char *value,
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

int cgroup_writef(const struct cgroup_ctx *x, const char *dir, const char *file, const char *field,
              const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return cgroup_write(x, dir, file, buf, field);
}

int cgroup_write_rdma(const struct cgroup_ctx *x, const char *dir, const oci_resources *r) {
  for (size_t i = 0; i < r->n_rdma; i++) {
    const oci_rdma *d = &r->rdma[i];
    char field[128], handles[32] = "", objects[32] = "";
    snprintf(field, sizeof field, "rdma.%s", d->device);
    if (d->has_hca_handles)
      snprintf(handles, sizeof handles, " hca_handle=%u", d->hca_handles);
    if (d->has_hca_objects)
      snprintf(objects, sizeof objects, " hca_object=%u", d->hca_objects);
    if (cgroup_writef(x, dir, "rdma.max", field, "%s%s%s", d->device, handles, objects) < 0)
      return -1;
  }
  return 0;
}

int cgroup_fail(const struct cgroup_ctx *x, int errnum, const char *field, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return rt_error_set(x->err, errnum, "%s.linux.resources.%s: %s", x->src, field, buf);
}

/* ---- the host's layout ---- */

static struct cgroup_layout host_layout;
static bool host_layout_done;
static const struct cgroup_layout *layout_override;

void cgroup_layout_override(const struct cgroup_layout *l) {
  layout_override = l;
}

/* Whether `name` is a controller of `cgroups` (the text of /proc/cgroups,
 * read once per layout detection, not once per option of every mount). */
static bool known_controller(const char *cgroups, const char *name) {
  size_t n = strlen(name);
  for (const char *line = cgroups; *line; line += strcspn(line, "\n"), line += *line == '\n') {
    if (line[0] == '#')
      continue;
    if (strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '\t'))
      return true;
  }
  return false;
}

/* The controllers of a v1 mount from its super options: "rw,cpu,cpuacct" -> "cpu,cpuacct". */
static char *v1_controllers(const char *cgroups, const char *superopts) {
  _cleanup_free_ char *copy = strdup(superopts);
  char *out = calloc(1, strlen(superopts) + 1);
  if (!copy || !out) {
    free(out);
    return NULL;
  }
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (strncmp(t, "name=", 5) != 0 && !known_controller(cgroups, t))
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

static bool have_hier(const struct cgroup_layout *l, const char *ctrls) {
  for (size_t i = 0; i < l->n_v1; i++)
    if (strcmp(l->v1[i].ctrls, ctrls) == 0)
      return true;
  return false;
}

/* One mountinfo line: keep cgroup v1 hierarchies mounted at their root. */
static void layout_add_mount(struct cgroup_layout *l, const char *cgroups,
                             const struct rt_mountinfo *m) {
  if (strcmp(m->fstype, "cgroup") != 0)
    return;
  _cleanup_free_ char *ctrls = v1_controllers(cgroups, m->super_options);
  if (!ctrls || have_hier(l, ctrls))
    return;
  struct cgroup_hier *n = realloc(l->v1, (l->n_v1 + 1) * sizeof *n);
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

static int layout_detect(struct cgroup_layout *l, rt_error *err) {
  memset(l, 0, sizeof *l);
  if (is_cgroup2(CGROUP_ROOT)) {
    l->mode = CGROUP_MODE_V2;
    l->unified = strdup(CGROUP_ROOT);
    return l->unified ? 0 : rt_error_set(err, ENOMEM, "cgroup layout");
  }
  _cleanup_free_ char *info = NULL;
  if (fs_read_file("/proc/self/mountinfo", 16 << 20, &info, NULL, err) < 0)
    return -1;
  _cleanup_free_ char *cgroups = NULL;
  rt_error e;
  if (fs_read_file("/proc/cgroups", 1 << 16, &cgroups, NULL, &e) < 0)
    cgroups = NULL; /* then only name= hierarchies are known, as before */
  struct rt_mountinfo m;
  for (char *c = info; rt_mountinfo_next(&c, &m) > 0;)
    layout_add_mount(l, cgroups ? cgroups : "", &m);
  if (l->n_v1 == 0)
    return rt_error_set(err, ENOENT, "no cgroup file system is mounted under %s", CGROUP_ROOT);
  if (is_cgroup2(CGROUP_ROOT "/unified")) {
    l->mode = CGROUP_MODE_HYBRID;
    l->unified = strdup(CGROUP_ROOT "/unified");
  } else {
    l->mode = CGROUP_MODE_V1;
  }
  return 0;
}

const struct cgroup_layout *cgroup_layout_get(rt_error *err) {
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
  const struct cgroup_layout *l = cgroup_layout_get(err);
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

const char *cgroup_v1_mount(const struct cgroup_layout *l, const char *ctrl) {
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
size_t cgroup_layout_mounts(const struct cgroup_layout *l, const char **out, size_t max) {
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

void cgroup_unfinished_since(const struct timespec *since) {
  unfinished_since = since ? *since : (struct timespec){0};
}

bool cgroup_is_ours(const char *dir) {
  char v[8];
  if (getxattr(dir, CGROUP_XATTR, v, sizeof v) >= 0 || getxattr(dir, CGROUP_XATTR_USER, v, sizeof v) >= 0)
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
  if (setxattr(dir, CGROUP_XATTR, "1", 1, 0) == 0)
    return;
  if (errno == ENOTSUP) {
    log_warn("cgroup: %s cannot carry rt's mark (no xattrs): delete will leave it", dir);
    return;
  }
  if (errno == EPERM && setxattr(dir, CGROUP_XATTR_USER, "1", 1, 0) == 0)
    return;
  log_warn("cgroup: mark %s as made by rt: %s", dir, strerror(errno));
}

int cgroup_mkdir_p(const char *mnt, const char *rel, rt_error *err) {
  _cleanup_free_ char *path = cgroup_path_join(mnt, rel);
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

int cgroup_remove(const char *mnt, const char *rel, rt_error *err) {
  _cleanup_free_ char *path = cgroup_path_join(mnt, rel);
  if (!path)
    return rt_error_set(err, ENOMEM, "cgroup path");
  size_t base = strlen(mnt);
  if (strlen(path) <= base || access(path, F_OK) < 0 || !cgroup_is_ours(path))
    return 0; /* never a hierarchy's root, nor what rt did not make */
  if (remove_children(path, err) < 0)
    return -1;
  if (rmdir_retry(path) < 0)
    return rt_error_set(err, errno, "rmdir %s", path);
  /* Ancestors rt made, while they are empty (another container may use them). */
  for (char *s = strrchr(path, '/'); s && (size_t)(s - path) > base; s = strrchr(path, '/')) {
    *s = '\0';
    if (!cgroup_is_ours(path) || rmdir(path) < 0)
      break;
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
oci_device_cgroup *cgroup_create_rules(const oci_resources *r, size_t *n) {
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


/* ---- v1 <-> v2 ---- */

uint64_t cgroup_shares_to_weight(uint64_t shares) {
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_to_io_weight(uint64_t w) {
  if (w == 0)
    return 0;
  if (w < 10)
    w = 10;
  if (w > 1000)
    w = 1000;
  return 1 + (w - 10) * 9999 / 990;
}

char *cgroup_unified_controller(const char *key) {
  const char *dot = strchr(key, '.');
  if (!dot || dot == key)
    return NULL;
  return strndup(key, (size_t)(dot - key));
}
