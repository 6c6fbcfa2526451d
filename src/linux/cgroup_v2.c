/* rt: linux.resources on cgroup v2: one directory, controllers enabled in the
 * ancestors' cgroup.subtree_control (kernel Documentation/admin-guide/cgroup-v2). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/log.h"

/* ---- which controllers a resources object needs ---- */

struct need {
  char ctrl[32];
  char field[160];
};

static void add_need(struct need *n, size_t *len, size_t max, const char *ctrl, const char *field) {
  for (size_t i = 0; i < *len; i++)
    if (strcmp(n[i].ctrl, ctrl) == 0)
      return;
  if (*len == max)
    return;
  snprintf(n[*len].ctrl, sizeof n[*len].ctrl, "%s", ctrl);
  snprintf(n[*len].field, sizeof n[*len].field, "%s", field);
  (*len)++;
}

static size_t needs(const oci_resources *r, struct need *n, size_t max) {
  size_t len = 0;
  if (!r)
    return 0;
  const oci_memory *m = r->memory;
  if (m && (m->has_limit || m->has_reservation || m->has_swap))
    add_need(n, &len, max, "memory", m->has_limit ? "memory.limit"
                                     : m->has_swap ? "memory.swap" : "memory.reservation");
  const oci_cpu *c = r->cpu;
  if (c && ((c->has_shares && c->shares) || c->has_quota || c->has_period || c->has_burst ||
            c->has_idle))
    add_need(n, &len, max, "cpu", c->has_shares ? "cpu.shares" : c->has_quota ? "cpu.quota"
                                  : c->has_period ? "cpu.period" : c->has_burst ? "cpu.burst"
                                  : "cpu.idle");
  if (c && ((c->cpus && *c->cpus) || (c->mems && *c->mems)))
    add_need(n, &len, max, "cpuset", c->cpus && *c->cpus ? "cpu.cpus" : "cpu.mems");
  if (r->has_pids)
    add_need(n, &len, max, "pids", "pids.limit");
  const oci_blkio *b = r->block_io;
  if (b && ((b->has_weight && b->weight) || b->n_weight_device || b->n_throttle_read_bps ||
            b->n_throttle_write_bps || b->n_throttle_read_iops || b->n_throttle_write_iops))
    add_need(n, &len, max, "io", "blockIO");
  if (r->n_hugepage_limits)
    add_need(n, &len, max, "hugetlb", "hugepageLimits");
  if (r->n_rdma)
    add_need(n, &len, max, "rdma", "rdma");
  for (size_t i = 0; i < r->unified.n; i++) {
    _cleanup_free_ char *ctrl = cgroup_unified_controller(r->unified.keys[i]);
    if (!ctrl || strcmp(ctrl, "cgroup") == 0)
      continue;
    char field[160];
    snprintf(field, sizeof field, "unified[\"%s\"]", r->unified.keys[i]);
    add_need(n, &len, max, ctrl, field);
  }
  return len;
}

/* ---- enabling controllers ---- */

static bool word_in(const char *list, const char *w) {
  size_t n = strlen(w);
  for (const char *p = list; p && *p;) {
    p += strspn(p, " \n");
    if (strncmp(p, w, n) == 0 && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
      return true;
    p += strcspn(p, " \n");
  }
  return false;
}

/* Enable `ctrl` in dir/cgroup.subtree_control; `field` set: it is needed. */
static int enable_one(const struct cgroup_ctx *x, const char *dir, const char *avail,
                      const char *enabled, const char *ctrl, const char *field) {
  if (word_in(enabled, ctrl))
    return 0;
  if (!word_in(avail, ctrl)) {
    if (!field)
      return 0;
    return cgroup_fail(x, 0, field,
                   "the %s cgroup controller is not available in %s (cgroup.controllers: %s)",
                   ctrl, dir, *avail ? avail : "none");
  }
  rt_error e;
  struct cgroup_ctx y = *x;
  y.err = &e;
  if (cgroup_writef(&y, dir, "cgroup.subtree_control", field ? field : ctrl, "+%s", ctrl) < 0) {
    if (field) {
      *x->err = e;
      return -1;
    }
    log_debug("cgroup: enable %s in %s: %s", ctrl, dir, e.msg);
  }
  return 0;
}

/* Whether a cgroup has processes of its own. */
static bool has_procs(const char *dir) {
  _cleanup_free_ char *procs = cgroup_read_file(dir, "cgroup.procs");
  return procs && *procs;
}

static int enable_in(const struct cgroup_ctx *x, const char *dir, bool root, const struct need *n,
                     size_t nn, bool all_available) {
  _cleanup_free_ char *avail = cgroup_read_file(dir, "cgroup.controllers");
  _cleanup_free_ char *enabled = cgroup_read_file(dir, "cgroup.subtree_control");
  if (!avail || !enabled)
    return rt_error_set(x->err, errno, "read the controllers of %s", dir);
  for (size_t i = 0; i < nn; i++)
    if (enable_one(x, dir, avail, enabled, n[i].ctrl, n[i].field) < 0)
      return -1;
  if (!all_available)
    return 0;
  /* Not the controllers nobody asked for in a cgroup with processes (other
   * than the root): the threaded ones (cpuset, pids) would be enabled there
   * and make it a thread root, and the new child a "domain invalid" cgroup
   * that no process can join (EOPNOTSUPP). */
  if (!root && has_procs(dir)) {
    log_debug("cgroup: %s has processes: only the controllers needed are enabled", dir);
    return 0;
  }
  _cleanup_free_ char *list = strdup(avail);
  char *save = NULL;
  for (char *c = list ? strtok_r(list, " \n", &save) : NULL; c; c = strtok_r(NULL, " \n", &save))
    enable_one(x, dir, avail, enabled, c, NULL); /* not needed: failures are only logged */
  return 0;
}

int cgroup_v2_enable(const struct cgroup_ctx *x, const char *mnt, const oci_resources *r,
                 bool all_available) {
  struct need n[32];
  size_t nn = needs(r, n, ARRAY_SIZE(n));
  if (nn == 0 && !all_available)
    return 0;
  _cleanup_free_ char *path = cgroup_path_join(mnt, x->rel);
  if (!path)
    return rt_error_set(x->err, ENOMEM, "cgroup path");
  size_t base = strlen(mnt);
  char *last = strrchr(path, '/');
  if (strlen(path) <= base || !last || (size_t)(last - path) < base)
    return 0; /* the root itself: nothing above to enable */
  /* Each ancestor from the root down to the leaf's parent. */
  for (char *p = path + base;; p = strchr(p + 1, '/')) {
    char c = *p;
    *p = '\0';
    int ret = enable_in(x, *path ? path : "/", p == path + base, n, nn, all_available);
    *p = c;
    if (ret < 0)
      return -1;
    if (p == last)
      break;
  }
  return 0;
}

/* ---- memory ---- */

/* memory.swap.max is swap alone where the OCI value is memory+swap (runc). */
static int swap_value(const struct cgroup_ctx *x, const char *dir, const oci_memory *m, bool *set,
                      char *buf, size_t len) {
  *set = false;
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  /* rt update --memory-swap alone: memory+swap against the limit in force. */
  uint64_t cur;
  if (x->update && m->has_swap && !m->has_limit && cgroup_read_u64(dir, "memory.max", &cur) == 0)
    limit = cur == UINT64_MAX ? -1 : (int64_t)cur;
  if (limit == -1 && !m->has_swap) {
    *set = true;
    snprintf(buf, len, "max");
    return 0;
  }
  if (!m->has_swap)
    return 0;
  *set = true;
  if (swap == -1) {
    snprintf(buf, len, "max");
    return 0;
  }
  if (swap == 0) {
    snprintf(buf, len, "0");
    return 0;
  }
  if (limit == 0 || limit == -1)
    return cgroup_fail(x, EINVAL, "memory.swap", "cannot limit swap without a memory limit");
  if (swap < limit)
    return cgroup_fail(x, EINVAL, "memory.swap", "memory+swap (%" PRId64 ") is below memory.limit (%"
                   PRId64 ")", swap, limit);
  snprintf(buf, len, "%" PRId64, swap - limit);
  return 0;
}

static void num_or_max(int64_t v, char *buf, size_t len) {
  if (v < 0)
    snprintf(buf, len, "max");
  else
    snprintf(buf, len, "%" PRId64, v);
}

static void warn_ignored(const struct cgroup_ctx *x, bool given, const char *field, const char *why) {
  if (given)
    log_warn("%s.linux.resources.%s: ignored on cgroup v2 (%s)", x->src, field, why);
}

static int check_before_update(const struct cgroup_ctx *x, const char *dir, const oci_memory *m) {
  if (!m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit <= 0)
    return 0;
  uint64_t cur;
  if (cgroup_read_u64(dir, "memory.current", &cur) == 0 && cur > (uint64_t)m->limit)
    return cgroup_fail(x, EBUSY, "memory.limit",
                   "%" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
                   m->limit, cur);
  return 0;
}

static int v2_memory(const struct cgroup_ctx *x, const char *dir, const oci_memory *m) {
  if (!m)
    return 0;
  char buf[64];
  bool set_swap;
  if (swap_value(x, dir, m, &set_swap, buf, sizeof buf) < 0 || check_before_update(x, dir, m) < 0)
    return -1;
  if (set_swap) {
    if (!cgroup_file_exists(dir, "memory.swap.max")) {
      if (strcmp(buf, "max") != 0 && strcmp(buf, "0") != 0)
        return cgroup_fail(x, 0, "memory.swap",
                       "swap limits are not supported here (no memory.swap.max)");
    } else if (cgroup_write(x, dir, "memory.swap.max", buf, "memory.swap") < 0) {
      return -1;
    }
  }
  if (m->has_limit) {
    num_or_max(m->limit, buf, sizeof buf);
    if (cgroup_write(x, dir, "memory.max", buf, "memory.limit") < 0)
      return -1;
  }
  if (m->has_reservation) {
    num_or_max(m->reservation, buf, sizeof buf);
    if (cgroup_write(x, dir, "memory.low", buf, "memory.reservation") < 0)
      return -1;
  }
  warn_ignored(x, m->has_kernel, "memory.kernel", "no kernel memory limit");
  warn_ignored(x, m->has_kernel_tcp, "memory.kernelTCP", "no kernel TCP memory limit");
  warn_ignored(x, m->has_swappiness, "memory.swappiness", "no per-cgroup swappiness");
  warn_ignored(x, m->has_disable_oom_killer && m->disable_oom_killer, "memory.disableOOMKiller",
               "the OOM killer cannot be disabled");
  warn_ignored(x, m->has_use_hierarchy && !m->use_hierarchy, "memory.useHierarchy",
               "accounting is always hierarchical");
  return 0;
}

/* ---- cpu ---- */

static int v2_cpu_max(const struct cgroup_ctx *x, const char *dir, const oci_cpu *c) {
  if (!c->has_quota && !(c->has_period && c->period))
    return 0;
  /* Keep what is not given ("rt update --cpu-period" alone keeps the quota). */
  char quota[32] = "max", period[32] = "100000";
  _cleanup_free_ char *cur = cgroup_read_file(dir, "cpu.max");
  if (cur)
    sscanf(cur, "%31s %31s", quota, period);
  if (c->has_quota)
    num_or_max(c->quota > 0 ? c->quota : -1, quota, sizeof quota);
  if (c->has_period && c->period)
    snprintf(period, sizeof period, "%" PRIu64, c->period);
  return cgroup_writef(x, dir, "cpu.max", c->has_quota ? "cpu.quota" : "cpu.period", "%s %s", quota,
                   period);
}

static int v2_cpu(const struct cgroup_ctx *x, const char *dir, const oci_cpu *c) {
  if (!c)
    return 0;
  if ((c->has_realtime_runtime && c->realtime_runtime) ||
      (c->has_realtime_period && c->realtime_period))
    return cgroup_fail(x, 0, c->has_realtime_runtime ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
                   "cgroup v2 has no real-time group scheduling");
  if (c->has_shares && c->shares &&
      cgroup_writef(x, dir, "cpu.weight", "cpu.shares", "%" PRIu64,
                cgroup_shares_to_weight(c->shares)) < 0)
    return -1;
  if (v2_cpu_max(x, dir, c) < 0)
    return -1;
  if (c->has_burst && cgroup_writef(x, dir, "cpu.max.burst", "cpu.burst", "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle && cgroup_writef(x, dir, "cpu.idle", "cpu.idle", "%" PRId64, c->idle) < 0)
    return -1;
  if (c->cpus && *c->cpus && cgroup_write(x, dir, "cpuset.cpus", c->cpus, "cpu.cpus") < 0)
    return -1;
  if (c->mems && *c->mems && cgroup_write(x, dir, "cpuset.mems", c->mems, "cpu.mems") < 0)
    return -1;
  return 0;
}

/* ---- io ---- */

static int v2_io_max(const struct cgroup_ctx *x, const char *dir, const char *key, const char *field,
                     const oci_blkio_throttle_device *d, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char f[96], rate[32];
    snprintf(f, sizeof f, "%s[%zu]", field, i);
    num_or_max(d[i].rate ? (int64_t)d[i].rate : -1, rate, sizeof rate);
    if (cgroup_writef(x, dir, "io.max", f, "%" PRId64 ":%" PRId64 " %s=%s", d[i].major, d[i].minor,
                  key, rate) < 0)
      return -1;
  }
  return 0;
}

/* io.bfq.weight takes the blkio range as is; io.weight needs a conversion. */
static int v2_io_weights(const struct cgroup_ctx *x, const char *dir, const oci_blkio *b) {
  bool bfq = cgroup_file_exists(dir, "io.bfq.weight");
  const char *file = bfq ? "io.bfq.weight" : "io.weight";
  if (b->has_weight && b->weight &&
      cgroup_writef(x, dir, file, "blockIO.weight", "default %" PRIu64,
                bfq ? b->weight : cgroup_blkio_to_io_weight(b->weight)) < 0)
    return -1;
  warn_ignored(x, b->has_leaf_weight, "blockIO.leafWeight", "no leaf weight");
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const oci_blkio_weight_device *d = &b->weight_device[i];
    char f[96];
    snprintf(f, sizeof f, "blockIO.weightDevice[%zu].weight", i);
    if (d->has_weight &&
        cgroup_writef(x, dir, file, f, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                  bfq ? d->weight : cgroup_blkio_to_io_weight(d->weight)) < 0)
      return -1;
    snprintf(f, sizeof f, "blockIO.weightDevice[%zu].leafWeight", i);
    warn_ignored(x, d->has_leaf_weight, f, "no leaf weight");
  }
  return 0;
}

static int v2_io(const struct cgroup_ctx *x, const char *dir, const oci_blkio *b) {
  if (!b)
    return 0;
  if (v2_io_weights(x, dir, b) < 0)
    return -1;
  if (v2_io_max(x, dir, "rbps", "blockIO.throttleReadBpsDevice", b->throttle_read_bps,
                b->n_throttle_read_bps) < 0 ||
      v2_io_max(x, dir, "wbps", "blockIO.throttleWriteBpsDevice", b->throttle_write_bps,
                b->n_throttle_write_bps) < 0 ||
      v2_io_max(x, dir, "riops", "blockIO.throttleReadIOPSDevice", b->throttle_read_iops,
                b->n_throttle_read_iops) < 0 ||
      v2_io_max(x, dir, "wiops", "blockIO.throttleWriteIOPSDevice", b->throttle_write_iops,
                b->n_throttle_write_iops) < 0)
    return -1;
  return 0;
}

/* ---- hugetlb, rdma, network ---- */

int cgroup_v2_apply_hugetlb(const struct cgroup_ctx *x, const char *dir, const oci_resources *r) {
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    char field[64], file[96];
    snprintf(field, sizeof field, "hugepageLimits[%zu]", i);
    snprintf(file, sizeof file, "hugetlb.%s.max", h->page_size ? h->page_size : "");
    if (!h->page_size || !cgroup_file_exists(dir, file))
      return cgroup_fail(x, 0, field, "no hugepages of size %s here (no %s/%s)",
                     h->page_size ? h->page_size : "(none)", dir, file);
    if (cgroup_writef(x, dir, file, field, "%" PRIu64, h->limit) < 0)
      return -1;
    snprintf(file, sizeof file, "hugetlb.%s.rsvd.max", h->page_size);
    if (cgroup_file_exists(dir, file) && cgroup_writef(x, dir, file, field, "%" PRIu64, h->limit) < 0)
      return -1;
  }
  return 0;
}

static int v2_network(const struct cgroup_ctx *x, const oci_network *n) {
  if (n && n->has_class_id)
    return cgroup_fail(x, 0, "network.classID",
                   "cgroup v2 has no net_cls controller (use an eBPF program on the cgroup)");
  if (n && n->n_priorities)
    return cgroup_fail(x, 0, "network.priorities", "cgroup v2 has no net_prio controller");
  return 0;
}

/* ---- unified ---- */

int cgroup_v2_apply_unified(const struct cgroup_ctx *x, const char *dir, const oci_map *u) {
  for (size_t i = 0; i < u->n; i++) {
    const char *key = u->keys[i];
    char field[256];
    snprintf(field, sizeof field, "unified[\"%s\"]", key);
    if (strchr(key, '/') || key[0] == '.' || !strchr(key, '.'))
      return cgroup_fail(x, EINVAL, field, "not a cgroup file name");
    if (!cgroup_file_exists(dir, key)) {
      _cleanup_free_ char *ctrl = cgroup_unified_controller(key);
      return cgroup_fail(x, ENOENT, field, "no such file in %s (is the %s controller available?)",
                     dir, ctrl ? ctrl : key);
    }
  }
  for (size_t i = 0; i < u->n; i++) {
    char field[256];
    snprintf(field, sizeof field, "unified[\"%s\"]", u->keys[i]);
    if (cgroup_write(x, dir, u->keys[i], u->values[i], field) < 0)
      return -1;
  }
  return 0;
}

int cgroup_v2_apply(const struct cgroup_ctx *x, const char *mnt, const oci_resources *r) {
  _cleanup_free_ char *dir = cgroup_path_join(mnt, x->rel);
  if (!dir)
    return rt_error_set(x->err, ENOMEM, "cgroup path");
  if (v2_network(x, r->network) < 0)
    return -1;
  /* The device filter is an eBPF program, which only a privileged rt may
   * attach. Unprivileged or inside a user namespace (rootless, in a cgroup
   * delegated to the user) it is left out, as runc does: such a container
   * cannot make a usable device node, and the host's nodes bound in keep
   * their own permissions. */
  bool privileged = geteuid() == 0 && !ns_running_in_userns();
  if (r->n_devices && !privileged)
    log_debug("cgroup: %s: no device filter (rootless)", dir);
  else if (r->n_devices && cgroup_devices_bpf_apply(x, dir, r->devices, r->n_devices) < 0)
    return -1;
  if (v2_memory(x, dir, r->memory) < 0 || v2_cpu(x, dir, r->cpu) < 0)
    return -1;
  if (r->has_pids) {
    char buf[32];
    num_or_max(r->pids_limit, buf, sizeof buf);
    if (cgroup_write(x, dir, "pids.max", buf, "pids.limit") < 0)
      return -1;
  }
  if (v2_io(x, dir, r->block_io) < 0 || cgroup_v2_apply_hugetlb(x, dir, r) < 0 ||
      cgroup_write_rdma(x, dir, r) < 0)
    return -1;
  return cgroup_v2_apply_unified(x, dir, &r->unified);
}
