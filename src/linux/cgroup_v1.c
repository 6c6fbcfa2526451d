/* rt: linux.resources on cgroup v1, one directory per controller hierarchy
 * (kernel Documentation/admin-guide/cgroup-v1). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The container's directory in the hierarchy of `ctrl`; an error naming the
 * field when the host has no such hierarchy. */
static char *ctrl_dir(const struct cgroup_ctx *x, const char *ctrl, const char *field) {
  const char *m = cgroup_v1_mount(x->l, ctrl);
  if (!m) {
    cgroup_fail(x, 0, field,
            "the %s cgroup controller is not available on this host (no cgroup v1 hierarchy "
            "is mounted for it)",
            ctrl);
    return NULL;
  }
  char *d = cgroup_path_join(m, x->rel);
  if (!d)
    rt_error_set(x->err, ENOMEM, "cgroup path");
  return d;
}

/* ---- memory ---- */

static int set_memory_and_swap(const struct cgroup_ctx *x, const char *dir, const oci_memory *m) {
  bool has_memsw = cgroup_file_exists(dir, "memory.memsw.limit_in_bytes");
  bool set_swap = m->has_swap;
  int64_t swap = m->swap;
  /* Unlimited memory with swap left out means unlimited swap too (runc). */
  if (m->has_limit && m->limit == -1 && !m->has_swap && has_memsw) {
    set_swap = true;
    swap = -1;
  }
  if (set_swap && !has_memsw)
    return cgroup_fail(x, 0, "memory.swap",
                   "swap limits are not supported here (no memory.memsw.limit_in_bytes: the "
                   "kernel's swap accounting is off)");
  bool swap_first = false;
  if (m->has_limit && set_swap) {
    /* The kernel wants limit <= memsw at all times: order the writes so
     * that going up and going down both pass. */
    uint64_t cur = 0;
    if (cgroup_read_u64(dir, "memory.limit_in_bytes", &cur) < 0)
      cur = UINT64_MAX;
    swap_first = swap == -1 || (swap > 0 && cur < (uint64_t)swap);
  }
  if (swap_first &&
      cgroup_writef(x, dir, "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap) < 0)
    return -1;
  if (m->has_limit &&
      cgroup_writef(x, dir, "memory.limit_in_bytes", "memory.limit", "%" PRId64, m->limit) < 0)
    return -1;
  if (set_swap && !swap_first &&
      cgroup_writef(x, dir, "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap) < 0)
    return -1;
  return 0;
}

/* kernel is deprecated (and gone from recent kernels): ignored with a warning there. */
static int set_kernel_memory(const struct cgroup_ctx *x, const char *dir, const oci_memory *m) {
  if (!m->has_kernel)
    return 0;
  if (!cgroup_file_exists(dir, "memory.kmem.limit_in_bytes")) {
    log_warn("%s.linux.resources.memory.kernel: ignored: the kernel has no kernel memory limit",
             x->src);
    return 0;
  }
  rt_error e;
  struct cgroup_ctx y = *x;
  y.err = &e;
  if (cgroup_writef(&y, dir, "memory.kmem.limit_in_bytes", "memory.kernel", "%" PRId64, m->kernel) <
      0) {
    if (e.errnum != EOPNOTSUPP && e.errnum != ENOTSUP) {
      *x->err = e;
      return -1;
    }
    log_warn("%s (ignored: kernel memory limits are deprecated)", e.msg);
  }
  return 0;
}

static int v1_memory(const struct cgroup_ctx *x, const oci_memory *m) {
  if (!m)
    return 0;
  if (!(m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp ||
        m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy))
    return 0;
  _cleanup_free_ char *dir = ctrl_dir(x, "memory", "memory");
  if (!dir)
    return -1;
  if (set_memory_and_swap(x, dir, m) < 0)
    return -1;
  if (m->has_reservation && cgroup_writef(x, dir, "memory.soft_limit_in_bytes", "memory.reservation",
                                      "%" PRId64, m->reservation) < 0)
    return -1;
  if (set_kernel_memory(x, dir, m) < 0)
    return -1;
  if (m->has_kernel_tcp) {
    if (!cgroup_file_exists(dir, "memory.kmem.tcp.limit_in_bytes"))
      return cgroup_fail(x, 0, "memory.kernelTCP",
                     "the kernel has no memory.kmem.tcp.limit_in_bytes");
    if (cgroup_writef(x, dir, "memory.kmem.tcp.limit_in_bytes", "memory.kernelTCP", "%" PRId64,
                  m->kernel_tcp) < 0)
      return -1;
  }
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return cgroup_fail(x, EINVAL, "memory.swappiness", "%" PRIu64 " is out of range 0-100",
                     m->swappiness);
    if (cgroup_writef(x, dir, "memory.swappiness", "memory.swappiness", "%" PRIu64, m->swappiness) <
        0)
      return -1;
  }
  if (m->has_disable_oom_killer &&
      cgroup_write(x, dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0",
               "memory.disableOOMKiller") < 0)
    return -1;
  if (m->has_use_hierarchy && cgroup_write(x, dir, "memory.use_hierarchy",
                                       m->use_hierarchy ? "1" : "0", "memory.useHierarchy") < 0)
    return -1;
  return 0;
}

/* ---- cpu, cpuset ---- */

static int set_cfs(const struct cgroup_ctx *x, const char *dir, const oci_cpu *c) {
  bool period_pending = false;
  if (c->has_period && c->period) {
    rt_error e;
    struct cgroup_ctx y = *x;
    y.err = &e;
    if (cgroup_writef(&y, dir, "cpu.cfs_period_us", "cpu.period", "%" PRIu64, c->period) < 0) {
      /* A smaller period can be refused until the quota follows: retry after it. */
      if (e.errnum != EINVAL || !c->has_quota) {
        *x->err = e;
        return -1;
      }
      period_pending = true;
    }
  }
  if (c->has_quota) {
    if (cgroup_writef(x, dir, "cpu.cfs_quota_us", "cpu.quota", "%" PRId64, c->quota > 0 ? c->quota : -1) < 0)
      return -1;
    if (period_pending &&
        cgroup_writef(x, dir, "cpu.cfs_period_us", "cpu.period", "%" PRIu64, c->period) < 0)
      return -1;
  }
  if (c->has_burst) {
    if (!cgroup_file_exists(dir, "cpu.cfs_burst_us"))
      return cgroup_fail(x, 0, "cpu.burst", "the kernel has no cpu.cfs_burst_us");
    if (cgroup_writef(x, dir, "cpu.cfs_burst_us", "cpu.burst", "%" PRIu64, c->burst) < 0)
      return -1;
  }
  return 0;
}

static int set_rt(const struct cgroup_ctx *x, const char *dir, const oci_cpu *c) {
  if ((c->has_realtime_period || c->has_realtime_runtime) &&
      !cgroup_file_exists(dir, "cpu.rt_runtime_us"))
    return cgroup_fail(x, 0, c->has_realtime_runtime ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
                   "the kernel has no real-time group scheduling (no cpu.rt_runtime_us)");
  if (c->has_realtime_period && c->realtime_period &&
      cgroup_writef(x, dir, "cpu.rt_period_us", "cpu.realtimePeriod", "%" PRIu64,
                c->realtime_period) < 0)
    return -1;
  if (c->has_realtime_runtime &&
      cgroup_writef(x, dir, "cpu.rt_runtime_us", "cpu.realtimeRuntime", "%" PRId64,
                c->realtime_runtime) < 0)
    return -1;
  return 0;
}

static int set_shares(const struct cgroup_ctx *x, const char *dir, const oci_cpu *c) {
  if (!c->has_shares || !c->shares)
    return 0;
  if (cgroup_writef(x, dir, "cpu.shares", "cpu.shares", "%" PRIu64, c->shares) < 0)
    return -1;
  /* The kernel clamps silently: say so, as runc does. */
  uint64_t got;
  if (cgroup_read_u64(dir, "cpu.shares", &got) == 0 && got != c->shares)
    return cgroup_fail(x, ERANGE, "cpu.shares", "%" PRIu64 " is out of range (the kernel set %" PRIu64
                   ")", c->shares, got);
  return 0;
}

static int v1_cpu(const struct cgroup_ctx *x, const oci_cpu *c) {
  if (!c)
    return 0;
  if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_realtime_period ||
      c->has_realtime_runtime || c->has_idle) {
    _cleanup_free_ char *dir = ctrl_dir(x, "cpu", "cpu");
    if (!dir)
      return -1;
    /* rt first: a SCHED_RR task cannot join a group without rt runtime. */
    if (set_rt(x, dir, c) < 0 || set_shares(x, dir, c) < 0 || set_cfs(x, dir, c) < 0)
      return -1;
    if (c->has_idle) {
      if (!cgroup_file_exists(dir, "cpu.idle"))
        return cgroup_fail(x, 0, "cpu.idle", "the kernel has no cpu.idle");
      if (cgroup_writef(x, dir, "cpu.idle", "cpu.idle", "%" PRId64, c->idle) < 0)
        return -1;
    }
  }
  if (c->cpus || c->mems) {
    _cleanup_free_ char *dir = ctrl_dir(x, "cpuset", c->cpus ? "cpu.cpus" : "cpu.mems");
    if (!dir)
      return -1;
    if (c->cpus && *c->cpus && cgroup_write(x, dir, "cpuset.cpus", c->cpus, "cpu.cpus") < 0)
      return -1;
    if (c->mems && *c->mems && cgroup_write(x, dir, "cpuset.mems", c->mems, "cpu.mems") < 0)
      return -1;
  }
  return 0;
}

/* Copy cpuset.cpus and cpuset.mems down from the root to the leaf where they
 * are still empty: tasks cannot join an empty cpuset. */
int cgroup_v1_cpuset_init(const char *mnt, const char *rel, rt_error *err) {
  _cleanup_free_ char *path = cgroup_path_join(mnt, rel);
  if (!path)
    return rt_error_set(err, ENOMEM, "cgroup path");
  size_t base = strlen(mnt), len = strlen(path);
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = base + 1; i <= len; i++) {
    if (path[i] != '/' && path[i] != '\0')
      continue;
    char c = path[i];
    path[i] = '\0';
    char *slash = strrchr(path, '/');
    *slash = '\0';
    _cleanup_free_ char *parent = strdup(path);
    *slash = '/';
    for (size_t f = 0; parent && f < ARRAY_SIZE(files); f++) {
      _cleanup_free_ char *mine = cgroup_read_file(path, files[f]);
      if (mine && *mine)
        continue;
      _cleanup_free_ char *theirs = cgroup_read_file(*parent ? parent : "/", files[f]);
      struct cgroup_ctx x = {.src = "", .err = err};
      if (theirs && cgroup_write(&x, path, files[f], theirs, "cpu") < 0) {
        path[i] = c;
        return rt_error_set(err, err->errnum, "copy %s from the parent cgroup", files[f]);
      }
    }
    path[i] = c;
  }
  return 0;
}

/* ---- pids ---- */

static int v1_pids(const struct cgroup_ctx *x, const oci_resources *r) {
  if (!r->has_pids)
    return 0;
  _cleanup_free_ char *dir = ctrl_dir(x, "pids", "pids.limit");
  if (!dir)
    return -1;
  if (r->pids_limit < 0)
    return cgroup_write(x, dir, "pids.max", "max", "pids.limit");
  return cgroup_writef(x, dir, "pids.max", "pids.limit", "%" PRId64, r->pids_limit);
}

/* ---- blkio ---- */

static int throttle(const struct cgroup_ctx *x, const char *dir, const char *file, const char *field,
                    const oci_blkio_throttle_device *d, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char f[96];
    snprintf(f, sizeof f, "%s[%zu]", field, i);
    if (cgroup_writef(x, dir, file, f, "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major, d[i].minor,
                  d[i].rate) < 0)
      return -1;
  }
  return 0;
}

/* blkio.weight (cfq) or blkio.bfq.weight (bfq), whichever the kernel has. */
static const char *weight_file(const char *dir, bool per_device) {
  if (cgroup_file_exists(dir, per_device ? "blkio.weight_device" : "blkio.weight"))
    return per_device ? "blkio.weight_device" : "blkio.weight";
  if (cgroup_file_exists(dir, per_device ? "blkio.bfq.weight_device" : "blkio.bfq.weight"))
    return per_device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
  return NULL;
}

static int weight_devices(const struct cgroup_ctx *x, const char *dir, const oci_blkio *b) {
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const oci_blkio_weight_device *d = &b->weight_device[i];
    char f[96];
    if (d->has_weight) {
      snprintf(f, sizeof f, "blockIO.weightDevice[%zu].weight", i);
      const char *file = weight_file(dir, true);
      if (!file)
        return cgroup_fail(x, 0, f, "the kernel has no blkio.weight_device nor blkio.bfq.weight_device"
                       " (is the I/O scheduler cfq or bfq?)");
      if (cgroup_writef(x, dir, file, f, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                    d->weight) < 0)
        return -1;
    }
    if (d->has_leaf_weight) {
      snprintf(f, sizeof f, "blockIO.weightDevice[%zu].leafWeight", i);
      if (!cgroup_file_exists(dir, "blkio.leaf_weight_device"))
        return cgroup_fail(x, 0, f, "the kernel has no blkio.leaf_weight_device");
      if (cgroup_writef(x, dir, "blkio.leaf_weight_device", f, "%" PRId64 ":%" PRId64 " %u",
                    d->major, d->minor, d->leaf_weight) < 0)
        return -1;
    }
  }
  return 0;
}

static int v1_blkio(const struct cgroup_ctx *x, const oci_blkio *b) {
  if (!b || !((b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) ||
              b->n_weight_device || b->n_throttle_read_bps || b->n_throttle_write_bps ||
              b->n_throttle_read_iops || b->n_throttle_write_iops))
    return 0;
  _cleanup_free_ char *dir = ctrl_dir(x, "blkio", "blockIO");
  if (!dir)
    return -1;
  if (b->has_weight && b->weight) {
    const char *file = weight_file(dir, false);
    if (!file)
      return cgroup_fail(x, 0, "blockIO.weight", "the kernel has no blkio.weight nor blkio.bfq.weight"
                     " (is the I/O scheduler cfq or bfq?)");
    if (cgroup_writef(x, dir, file, "blockIO.weight", "%u", b->weight) < 0)
      return -1;
  }
  if (b->has_leaf_weight && b->leaf_weight) {
    if (!cgroup_file_exists(dir, "blkio.leaf_weight"))
      return cgroup_fail(x, 0, "blockIO.leafWeight", "the kernel has no blkio.leaf_weight");
    if (cgroup_writef(x, dir, "blkio.leaf_weight", "blockIO.leafWeight", "%u", b->leaf_weight) < 0)
      return -1;
  }
  if (weight_devices(x, dir, b) < 0)
    return -1;
  return throttle(x, dir, "blkio.throttle.read_bps_device", "blockIO.throttleReadBpsDevice",
                  b->throttle_read_bps, b->n_throttle_read_bps) < 0 ||
                 throttle(x, dir, "blkio.throttle.write_bps_device",
                          "blockIO.throttleWriteBpsDevice", b->throttle_write_bps,
                          b->n_throttle_write_bps) < 0 ||
                 throttle(x, dir, "blkio.throttle.read_iops_device",
                          "blockIO.throttleReadIOPSDevice", b->throttle_read_iops,
                          b->n_throttle_read_iops) < 0 ||
                 throttle(x, dir, "blkio.throttle.write_iops_device",
                          "blockIO.throttleWriteIOPSDevice", b->throttle_write_iops,
                          b->n_throttle_write_iops) < 0
             ? -1
             : 0;
}

/* ---- hugetlb ---- */

static int v1_hugetlb(const struct cgroup_ctx *x, const oci_resources *r) {
  if (!r->n_hugepage_limits || !cgroup_v1_mount(x->l, "hugetlb"))
    return 0; /* hybrid: cgroup_v2_apply_hugetlb did it on the unified hierarchy */
  _cleanup_free_ char *dir = ctrl_dir(x, "hugetlb", "hugepageLimits");
  if (!dir)
    return -1;
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    char field[64], file[96];
    snprintf(field, sizeof field, "hugepageLimits[%zu]", i);
    snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", h->page_size ? h->page_size : "");
    if (!h->page_size || !cgroup_file_exists(dir, file))
      return cgroup_fail(x, 0, field, "no hugepages of size %s on this host (no %s)",
                     h->page_size ? h->page_size : "(none)", file);
    if (cgroup_writef(x, dir, file, field, "%" PRIu64, h->limit) < 0)
      return -1;
    snprintf(file, sizeof file, "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
    if (cgroup_file_exists(dir, file) && cgroup_writef(x, dir, file, field, "%" PRIu64, h->limit) < 0)
      return -1;
  }
  return 0;
}

/* ---- network, rdma ---- */

static int v1_network(const struct cgroup_ctx *x, const oci_network *n) {
  if (!n)
    return 0;
  if (n->has_class_id) {
    _cleanup_free_ char *dir = ctrl_dir(x, "net_cls", "network.classID");
    if (!dir || cgroup_writef(x, dir, "net_cls.classid", "network.classID", "%u", n->class_id) < 0)
      return -1;
  }
  if (n->n_priorities) {
    _cleanup_free_ char *dir = ctrl_dir(x, "net_prio", "network.priorities");
    if (!dir)
      return -1;
    for (size_t i = 0; i < n->n_priorities; i++) {
      char field[64];
      snprintf(field, sizeof field, "network.priorities[%zu]", i);
      if (cgroup_writef(x, dir, "net_prio.ifpriomap", field, "%s %u", n->priorities[i].name,
                    n->priorities[i].priority) < 0)
        return -1;
    }
  }
  return 0;
}

static int v1_rdma(const struct cgroup_ctx *x, const oci_resources *r) {
  if (!r->n_rdma)
    return 0;
  _cleanup_free_ char *dir = ctrl_dir(x, "rdma", "rdma");
  if (!dir)
    return -1;
  return cgroup_write_rdma(x, dir, r);
}

/* ---- devices ---- */

static void rule_text(const oci_device_cgroup *d, char *buf, size_t len) {
  char major[24] = "*", minor[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf(major, sizeof major, "%" PRId64, d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf(minor, sizeof minor, "%" PRId64, d->minor);
  const char *type = d->type && *d->type ? d->type : "a";
  const char *access = d->access && *d->access ? d->access : "rwm";
  snprintf(buf, len, "%s %s:%s %s", type, major, minor, access);
}

static int v1_devices(const struct cgroup_ctx *x, const oci_resources *r) {
  if (!r->n_devices)
    return 0;
  _cleanup_free_ char *dir = ctrl_dir(x, "devices", "devices");
  if (!dir)
    return -1;
  /* Deny everything first, then the rules in their order. */
  if (cgroup_write(x, dir, "devices.deny", "a", "devices") < 0)
    return -1;
  for (size_t i = 0; i < r->n_devices; i++) {
    const oci_device_cgroup *d = &r->devices[i];
    char rule[96], field[48];
    rule_text(d, rule, sizeof rule);
    snprintf(field, sizeof field, "devices[%zu]", i);
    if (cgroup_write(x, dir, d->allow ? "devices.allow" : "devices.deny", rule, field) < 0)
      return -1;
  }
  return 0;
}

/* ---- unified keys on a v1 host ---- */

/* Where a unified key can be written here: the unified hierarchy (hybrid)
 * when it has the file, else the v1 hierarchy of the key's controller when
 * that has it. NULL when neither. */
static char *unified_key_dir(const struct cgroup_ctx *x, const char *key) {
  if (x->l->unified) {
    char *d = cgroup_path_join(x->l->unified, x->rel);
    if (d && cgroup_file_exists(d, key))
      return d;
    free(d);
  }
  _cleanup_free_ char *ctrl = cgroup_unified_controller(key);
  const char *m = ctrl ? cgroup_v1_mount(x->l, ctrl) : NULL;
  if (!m)
    return NULL;
  char *d = cgroup_path_join(m, x->rel);
  if (d && cgroup_file_exists(d, key))
    return d;
  free(d);
  return NULL;
}

static int v1_unified(const struct cgroup_ctx *x, const oci_map *u) {
  /* All or nothing: check every key before writing any. */
  for (size_t i = 0; i < u->n; i++) {
    char field[256];
    snprintf(field, sizeof field, "unified[\"%s\"]", u->keys[i]);
    if (strchr(u->keys[i], '/') || u->keys[i][0] == '.')
      return cgroup_fail(x, EINVAL, field, "not a cgroup file name");
    _cleanup_free_ char *dir = unified_key_dir(x, u->keys[i]);
    if (!dir)
      return cgroup_fail(x, ENOENT, field,
                     "the host uses cgroup v1 (%s) and has no such file in the container's "
                     "cgroups", cgroup_mode_name(x->l->mode));
  }
  for (size_t i = 0; i < u->n; i++) {
    char field[256];
    snprintf(field, sizeof field, "unified[\"%s\"]", u->keys[i]);
    _cleanup_free_ char *dir = unified_key_dir(x, u->keys[i]);
    if (!dir || cgroup_write(x, dir, u->keys[i], u->values[i], field) < 0)
      return -1;
  }
  return 0;
}

int cgroup_v1_apply(const struct cgroup_ctx *x, const oci_resources *r) {
  if (v1_devices(x, r) < 0 || v1_memory(x, r->memory) < 0 || v1_cpu(x, r->cpu) < 0 ||
      v1_pids(x, r) < 0 || v1_blkio(x, r->block_io) < 0 || v1_hugetlb(x, r) < 0 ||
      v1_network(x, r->network) < 0 || v1_rdma(x, r) < 0)
    return -1;
  return v1_unified(x, &r->unified);
}
