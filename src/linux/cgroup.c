/* rt: cgroups, the public entry points (cgroup.h): create, enter, update,
 * freeze, list, kill and destroy a container's cgroup, dispatching to v1
 * (cgroup_v1.c), v2 (cgroup_v2.c) and systemd (cgroup_systemd.c); the
 * files they share are cgroup_fs.c's. */
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
static char *procs_dir(const struct cgroup_layout *l, const char *rel) {
  static const char *const pref[] = {"pids", "freezer", "memory", "devices", "cpu", "name=systemd"};
  if (l->mode == CGROUP_MODE_V2)
    return cgroup_path_join(l->unified, rel);
  for (size_t i = 0; i < ARRAY_SIZE(pref); i++) {
    const char *m = cgroup_v1_mount(l, pref[i]);
    if (m)
      return cgroup_path_join(m, rel);
  }
  return cgroup_path_join(l->n_v1 ? l->v1[0].mnt : l->unified, rel);
}

int cgroup_pids(const char *path, pid_t **pids, size_t *n, rt_error *err) {
  *pids = NULL;
  *n = 0;
  const struct cgroup_layout *l = cgroup_layout_get(err);
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
static char *freezer_dir(const struct cgroup_layout *l, const char *rel, bool *v1) {
  const char *m = l->mode == CGROUP_MODE_V2 ? NULL : cgroup_v1_mount(l, "freezer");
  *v1 = m != NULL;
  if (m)
    return cgroup_path_join(m, rel);
  return l->unified ? cgroup_path_join(l->unified, rel) : NULL;
}

static void sleep_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* v1: FREEZING may take a while (a task in an uninterruptible sleep); retry
 * the write as runc does, and give up after about 10 s. */
static int freeze_v1(const char *dir, bool freeze, rt_error *err) {
  const char *want = freeze ? "FROZEN" : "THAWED";
  struct cgroup_ctx x = {.src = "", .err = err};
  for (int i = 0; i < 1000; i++) {
    if (i % 50 == 0 && cgroup_write(&x, dir, "freezer.state", want, "freezer") < 0)
      return rt_error_set(err, err->errnum, "write %s to %s/freezer.state", want, dir);
    _cleanup_free_ char *s = cgroup_read_file(dir, "freezer.state");
    if (!s)
      return rt_error_set(err, errno, "read %s/freezer.state", dir);
    if (strcmp(s, want) == 0)
      return 0;
    sleep_ms(10);
  }
  if (freeze) {
    struct cgroup_ctx y = {.src = "", .err = NULL};
    cgroup_write(&y, dir, "freezer.state", "THAWED", "freezer");
  }
  return rt_error_set(err, EBUSY, "%s %s: timed out", freeze ? "freeze" : "thaw", dir);
}

/* v2: write cgroup.freeze, then wait for cgroup.events to say "frozen N". */
static int freeze_v2(const char *dir, bool freeze, rt_error *err) {
  struct cgroup_ctx x = {.src = "", .err = err};
  if (!cgroup_file_exists(dir, "cgroup.freeze"))
    return rt_error_set(err, ENOTSUP, "%s: the kernel has no cgroup.freeze", dir);
  if (cgroup_write(&x, dir, "cgroup.freeze", freeze ? "1" : "0", "freezer") < 0)
    return rt_error_set(err, err->errnum, "write %d to %s/cgroup.freeze", freeze, dir);
  const char *want = freeze ? "frozen 1" : "frozen 0";
  for (int i = 0; i < 1000; i++) {
    _cleanup_free_ char *ev = cgroup_read_file(dir, "cgroup.events");
    if (!ev)
      return rt_error_set(err, errno, "read %s/cgroup.events", dir);
    if (strstr(ev, want))
      return 0;
    sleep_ms(10);
  }
  return rt_error_set(err, EBUSY, "%s %s: timed out", freeze ? "freeze" : "thaw", dir);
}

int cgroup_freeze(const char *path, bool freeze, rt_error *err) {
  const struct cgroup_layout *l = cgroup_layout_get(err);
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
  const struct cgroup_layout *l = cgroup_layout_get(&err);
  if (!l || !path)
    return -EINVAL;
  bool v1;
  _cleanup_free_ char *dir = freezer_dir(l, path, &v1);
  if (!dir)
    return -ENOENT;
  _cleanup_free_ char *s = cgroup_read_file(dir, v1 ? "freezer.state" : "cgroup.freeze");
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
static int kill_and_wait(const struct cgroup_layout *l, const char *rel, rt_error *err) {
  _cleanup_free_ char *pdir = procs_dir(l, rel);
  if (!pdir || access(pdir, F_OK) < 0)
    return 0;
  struct cgroup_ctx x = {.src = "", .err = NULL};
  bool killed = false;
  if (l->mode == CGROUP_MODE_V2 && cgroup_file_exists(pdir, "cgroup.kill"))
    killed = cgroup_write(&x, pdir, "cgroup.kill", "1", "kill") == 0;
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

static int remove_all(const struct cgroup_layout *l, const char *rel, rt_error *err) {
  const char *mnts[64];
  size_t n = cgroup_layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  int ret = 0;
  for (size_t i = 0; i < n; i++) {
    rt_error e;
    if (cgroup_remove(mnts[i], rel, &e) < 0 && ret == 0) {
      *err = e;
      ret = -1;
    }
  }
  return ret;
}

/* Hybrid: whether the unified hierarchy must take part of r (controllers
 * that have no v1 hierarchy, e.g. hugetlb, and unified keys). */
static bool hybrid_needs_unified(const struct cgroup_layout *l, const oci_resources *r) {
  if (!r)
    return false;
  if (r->n_hugepage_limits && !cgroup_v1_mount(l, "hugetlb"))
    return true;
  for (size_t i = 0; i < r->unified.n; i++) {
    _cleanup_free_ char *ctrl = cgroup_unified_controller(r->unified.keys[i]);
    if (ctrl && !cgroup_v1_mount(l, ctrl))
      return true;
  }
  return false;
}

/* Hybrid: the part of r for the unified hierarchy, to know which controllers
 * to enable there. Borrows r's strings; free only the arrays. */
static int hybrid_part(const struct cgroup_layout *l, const oci_resources *r, oci_resources *sub) {
  memset(sub, 0, sizeof *sub);
  if (!cgroup_v1_mount(l, "hugetlb")) {
    sub->hugepage_limits = r->hugepage_limits;
    sub->n_hugepage_limits = r->n_hugepage_limits;
  }
  sub->unified.keys = calloc(r->unified.n + 1, sizeof(char *));
  sub->unified.values = calloc(r->unified.n + 1, sizeof(char *));
  if (!sub->unified.keys || !sub->unified.values)
    return -1;
  for (size_t i = 0; i < r->unified.n; i++) {
    _cleanup_free_ char *ctrl = cgroup_unified_controller(r->unified.keys[i]);
    if (!ctrl || cgroup_v1_mount(l, ctrl))
      continue;
    sub->unified.keys[sub->unified.n] = r->unified.keys[i];
    sub->unified.values[sub->unified.n++] = r->unified.values[i];
  }
  return 0;
}

static int apply_v1(const struct cgroup_ctx *x, const oci_resources *r) {
  const struct cgroup_layout *l = x->l;
  if (l->mode == CGROUP_MODE_HYBRID && hybrid_needs_unified(l, r)) {
    oci_resources sub;
    int ret = hybrid_part(l, r, &sub);
    if (ret == 0)
      ret = cgroup_v2_enable(x, l->unified, &sub, false);
    else
      rt_error_set(x->err, ENOMEM, "cgroup resources");
    free(sub.unified.keys);
    free(sub.unified.values);
    if (ret < 0)
      return -1;
    _cleanup_free_ char *dir = cgroup_path_join(l->unified, x->rel);
    if (!dir)
      return rt_error_set(x->err, ENOMEM, "cgroup path");
    if (!cgroup_v1_mount(l, "hugetlb") && cgroup_v2_apply_hugetlb(x, dir, r) < 0)
      return -1;
  }
  return cgroup_v1_apply(x, r);
}

static int apply_resources(const struct cgroup_ctx *x, const oci_resources *r) {
  if (x->l->mode == CGROUP_MODE_V2) {
    if (cgroup_v2_enable(x, x->l->unified, r, true) < 0)
      return -1;
    return r ? cgroup_v2_apply(x, x->l->unified, r) : 0;
  }
  return r ? apply_v1(x, r) : 0;
}

static int make_dirs(const struct cgroup_layout *l, const char *rel, rt_error *err) {
  const char *mnts[64];
  size_t n = cgroup_layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  for (size_t i = 0; i < n; i++)
    if (cgroup_mkdir_p(mnts[i], rel, err) < 0)
      return -1;
  const char *cpuset = l->mode == CGROUP_MODE_V2 ? NULL : cgroup_v1_mount(l, "cpuset");
  if (cpuset && cgroup_v1_cpuset_init(cpuset, rel, err) < 0)
    return -1;
  return 0;
}

static int join(const struct cgroup_layout *l, const char *rel, pid_t pid, rt_error *err) {
  const char *mnts[64];
  size_t n = cgroup_layout_mounts(l, mnts, ARRAY_SIZE(mnts));
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *dir = cgroup_path_join(mnts[i], rel);
    struct cgroup_ctx x = {.src = "", .err = err};
    if (!dir)
      return rt_error_set(err, ENOMEM, "cgroup path");
    if (cgroup_write(&x, dir, "cgroup.procs", value, "") < 0)
      return cgroup_v2_join_error(dir, pid, err);
  }
  return 0;
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
static int fs_enter(const struct cgroup_layout *l, const char *rel, const oci_resources *r, pid_t pid,
                    rt_error *err) {
  struct cgroup_ctx x = {.l = l, .rel = rel, .src = "config.json: ", .err = err};
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
  cr->rules = cgroup_create_rules(given, &cr->eff.n_devices);
  if (!cr->rules)
    return rt_error_set(err, ENOMEM, "cgroup device rules");
  cr->eff.devices = cr->rules;
  zero_is_unset(&cr->eff, &cr->mem, &cr->cpu);
  return 0;
}

int cgroup_enter(const oci_config *c, const char *id, bool systemd, pid_t pid, char **path_out,
                 rt_error *err) {
  *path_out = NULL;
  const struct cgroup_layout *l = cgroup_layout_get(err);
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
  if (cgroup_systemd_start(c, id, pid, &rel, err) < 0)
    return -1;
  if (fs_enter(l, rel, &cres.eff, pid, err) < 0) {
    rt_error e;
    cgroup_systemd_stop(rel, &e);
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
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  struct create_res cres;
  if (create_res_init(c, &cres, err) < 0)
    return -1;
  _cleanup_free_ oci_device_cgroup *rules = cres.rules;
  _cleanup_free_ char *rel = fs_rel_path(c, id);
  if (!rel)
    return rt_error_set(err, ENOMEM, "cgroup path");
  struct cgroup_ctx x = {.l = l, .rel = rel, .src = "config.json: ", .err = err};
  if (make_dirs(l, rel, err) < 0 || apply_resources(&x, &cres.eff) < 0 ||
      cgroup_attach_dirs(l, rel, NULL, a, err) < 0) {
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
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  if (!path || !*path)
    return rt_error_set(err, EINVAL, "the container has no cgroup");
  _cleanup_free_ char *probe = procs_dir(l, path);
  if (!probe)
    return rt_error_set(err, ENOMEM, "cgroup path");
  if (access(probe, F_OK) < 0)
    return rt_error_set(err, errno, "cgroup %s", probe);
  struct cgroup_ctx x = {.l = l, .rel = path, .src = "", .update = true, .err = err};
  if (apply_resources(&x, r) < 0)
    return -1;
  if (systemd) {
    rt_error e;
    if (cgroup_systemd_update(path, r, &e) < 0)
      log_warn("%s", e.msg);
  }
  return 0;
}

int cgroup_destroy_unfinished(const char *path, bool systemd, const struct timespec *since,
                              rt_error *err) {
  cgroup_unfinished_since(since);
  int r = cgroup_destroy(path, systemd, err);
  cgroup_unfinished_since(NULL);
  return r;
}

int cgroup_destroy(const char *path, bool systemd, rt_error *err) {
  if (!path || !*path)
    return 0;
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  _cleanup_free_ char *pdir = procs_dir(l, path);
  if (pdir && access(pdir, F_OK) == 0 && (systemd || cgroup_is_ours(pdir)) &&
      kill_and_wait(l, path, err) < 0)
    return -1;
  if (systemd) {
    rt_error e;
    if (cgroup_systemd_stop(path, &e) < 0)
      log_warn("%s", e.msg);
  }
  return remove_all(l, path, err);
}

/* config-linux.md "Cgroup ownership": only on cgroup v2 (delegation is not
 * safe on v1), only with a new cgroup namespace, and only when the config
 * mounts the cgroup file system at /sys/fs/cgroup read-write. */
bool cgroup_wants_delegation(const oci_config *c) {
  rt_error e;
  const struct cgroup_layout *l = cgroup_layout_get(&e);
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
  const struct cgroup_layout *l = cgroup_layout_get(err);
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

