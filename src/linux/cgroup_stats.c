/* rt: statistics of a container's cgroup in runc's "events" format
 * (types/events.go of runc: cpu, cpuset, memory, pids, blkio, hugetlb), and
 * OOM notifications. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "util/cleanup.h"

/* ---- JSON output ---- */

static void gen_free(yajl_gen *g) {
  if (*g)
    yajl_gen_free(*g);
}

static void key(yajl_gen g, const char *k) {
  yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void u64(yajl_gen g, const char *k, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  key(g, k);
  yajl_gen_number(g, buf, (size_t)n);
}

/* Go's omitempty: the field is left out when zero. */
static void u64_omit(yajl_gen g, const char *k, uint64_t v) {
  if (v)
    u64(g, k, v);
}

static void i64(yajl_gen g, const char *k, int64_t v) {
  key(g, k);
  yajl_gen_integer(g, v);
}

/* ---- where each controller lives ---- */

struct where {
  char *dir;
  bool v2;
};

/* The container's directory for `ctrl`: its v1 hierarchy, else cgroup2. */
static struct where find(const struct cgroup_layout *l, const char *rel, const char *ctrl) {
  struct where w = {0};
  const char *m = l->mode == CGROUP_MODE_V2 ? NULL : cgroup_v1_mount(l, ctrl);
  if (m) {
    w.dir = cgroup_path_join(m, rel);
  } else if (l->unified) {
    w.dir = cgroup_path_join(l->unified, rel);
    w.v2 = true;
  }
  if (w.dir && access(w.dir, F_OK) < 0) {
    free(w.dir);
    w.dir = NULL;
  }
  return w;
}

static uint64_t rd(const char *dir, const char *file) {
  uint64_t v = 0;
  if (!dir || cgroup_read_u64(dir, file, &v) < 0)
    return 0;
  return v;
}

/* "max" reads as UINT64_MAX; runc reports an unlimited pids.max as 0. */
static uint64_t rd_limit0(const char *dir, const char *file) {
  uint64_t v = rd(dir, file);
  return v == UINT64_MAX ? 0 : v;
}

/* A value from a "key value" file (memory.stat, cpu.stat, memory.events). */
static bool kv(const char *dir, const char *file, const char *k, uint64_t *v) {
  _cleanup_free_ char *s = dir ? cgroup_read_file(dir, file) : NULL;
  size_t n = strlen(k);
  for (char *p = s; p && *p;) {
    if (strncmp(p, k, n) == 0 && p[n] == ' ') {
      *v = strtoull(p + n + 1, NULL, 10);
      return true;
    }
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  return false;
}

static uint64_t kv0(const char *dir, const char *file, const char *k) {
  uint64_t v = 0;
  kv(dir, file, k, &v);
  return v;
}

/* ---- cpu ---- */

static void u64_list(yajl_gen g, const char *k, const char *dir, const char *file) {
  _cleanup_free_ char *s = dir ? cgroup_read_file(dir, file) : NULL;
  if (!s || !*s)
    return;
  key(g, k);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *t = strtok_r(s, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
    yajl_gen_number(g, t, strlen(t));
  yajl_gen_array_close(g);
}

static void cpu_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where acct = find(l, rel, "cpuacct"), cpu = find(l, rel, "cpu");
  key(g, "cpu");
  yajl_gen_map_open(g);
  key(g, "usage");
  yajl_gen_map_open(g);
  if (acct.v2) {
    u64_omit(g, "total", kv0(acct.dir, "cpu.stat", "usage_usec") * 1000);
    u64(g, "kernel", kv0(acct.dir, "cpu.stat", "system_usec") * 1000);
    u64(g, "user", kv0(acct.dir, "cpu.stat", "user_usec") * 1000);
  } else {
    u64_omit(g, "total", rd(acct.dir, "cpuacct.usage"));
    u64_list(g, "percpu", acct.dir, "cpuacct.usage_percpu");
    u64_list(g, "percpu_kernel", acct.dir, "cpuacct.usage_percpu_sys");
    u64_list(g, "percpu_user", acct.dir, "cpuacct.usage_percpu_user");
    /* cpuacct.stat counts USER_HZ ticks. */
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t ns = hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;
    u64(g, "kernel", kv0(acct.dir, "cpuacct.stat", "system") * ns);
    u64(g, "user", kv0(acct.dir, "cpuacct.stat", "user") * ns);
  }
  yajl_gen_map_close(g);
  key(g, "throttling");
  yajl_gen_map_open(g);
  u64_omit(g, "periods", kv0(cpu.dir, "cpu.stat", "nr_periods"));
  u64_omit(g, "throttledPeriods", kv0(cpu.dir, "cpu.stat", "nr_throttled"));
  u64_omit(g, "throttledTime", cpu.v2 ? kv0(cpu.dir, "cpu.stat", "throttled_usec") * 1000
                                      : kv0(cpu.dir, "cpu.stat", "throttled_time"));
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  free(acct.dir);
  free(cpu.dir);
}

/* "0-2,5" -> [0,1,2,5] */
static void cpu_list(yajl_gen g, const char *k, const char *dir, const char *file) {
  _cleanup_free_ char *s = dir ? cgroup_read_file(dir, file) : NULL;
  if (!s || !*s)
    return;
  key(g, k);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *t = strtok_r(s, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save)) {
    unsigned a, b;
    int n = sscanf(t, "%u-%u", &a, &b);
    if (n < 1)
      continue;
    if (n == 1)
      b = a;
    for (unsigned i = a; i <= b && i < 65536; i++)
      yajl_gen_integer(g, i);
  }
  yajl_gen_array_close(g);
}

static void cpuset_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where w = find(l, rel, "cpuset");
  key(g, "cpuset");
  yajl_gen_map_open(g);
  if (w.v2) {
    cpu_list(g, "cpus", w.dir, "cpuset.cpus.effective");
    cpu_list(g, "mems", w.dir, "cpuset.mems.effective");
  } else if (w.dir) {
    cpu_list(g, "cpus", w.dir, "cpuset.cpus");
    u64(g, "cpu_exclusive", rd(w.dir, "cpuset.cpu_exclusive"));
    cpu_list(g, "mems", w.dir, "cpuset.mems");
    u64(g, "mem_hardwall", rd(w.dir, "cpuset.mem_hardwall"));
    u64(g, "mem_exclusive", rd(w.dir, "cpuset.mem_exclusive"));
    u64(g, "memory_migrate", rd(w.dir, "cpuset.memory_migrate"));
    u64(g, "memory_spread_page", rd(w.dir, "cpuset.memory_spread_page"));
    u64(g, "memory_spread_slab", rd(w.dir, "cpuset.memory_spread_slab"));
    u64(g, "memory_pressure", rd(w.dir, "cpuset.memory_pressure"));
    u64(g, "sched_load_balance", rd(w.dir, "cpuset.sched_load_balance"));
    _cleanup_free_ char *lvl = cgroup_read_file(w.dir, "cpuset.sched_relax_domain_level");
    i64(g, "sched_relax_domain_level", lvl ? strtoll(lvl, NULL, 10) : 0);
  }
  yajl_gen_map_close(g);
  free(w.dir);
}

/* ---- memory ---- */

static void mem_entry(yajl_gen g, const char *k, uint64_t limit, uint64_t usage, uint64_t max,
                      uint64_t failcnt) {
  key(g, k);
  yajl_gen_map_open(g);
  u64(g, "limit", limit);
  u64_omit(g, "usage", usage);
  u64_omit(g, "max", max);
  u64(g, "failcnt", failcnt);
  yajl_gen_map_close(g);
}

/* v1: memory.<prefix>usage_in_bytes and friends. */
static void mem_entry_v1(yajl_gen g, const char *k, const char *dir, const char *prefix) {
  char f[4][96];
  snprintf(f[0], sizeof f[0], "memory.%slimit_in_bytes", prefix);
  snprintf(f[1], sizeof f[1], "memory.%susage_in_bytes", prefix);
  snprintf(f[2], sizeof f[2], "memory.%smax_usage_in_bytes", prefix);
  snprintf(f[3], sizeof f[3], "memory.%sfailcnt", prefix);
  mem_entry(g, k, rd(dir, f[0]), rd(dir, f[1]), rd(dir, f[2]), rd(dir, f[3]));
}

static void raw_map(yajl_gen g, const char *dir) {
  _cleanup_free_ char *s = dir ? cgroup_read_file(dir, "memory.stat") : NULL;
  if (!s || !*s)
    return;
  key(g, "raw");
  yajl_gen_map_open(g);
  char *save = NULL;
  for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    char *v = sp + 1;
    if (strspn(v, "0123456789") != strlen(v) || !*v)
      continue;
    key(g, line);
    yajl_gen_number(g, v, strlen(v));
  }
  yajl_gen_map_close(g);
}

static void memory_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where w = find(l, rel, "memory");
  key(g, "memory");
  yajl_gen_map_open(g);
  if (w.v2) {
    u64_omit(g, "cache", kv0(w.dir, "memory.stat", "file"));
    uint64_t usage = rd(w.dir, "memory.current"), limit = rd(w.dir, "memory.max");
    uint64_t fail = kv0(w.dir, "memory.events", "max");
    mem_entry(g, "usage", limit, usage, rd(w.dir, "memory.peak"), fail);
    /* runc reports memory+swap under "swap", as v1 does. */
    uint64_t su = rd(w.dir, "memory.swap.current"), sl = rd(w.dir, "memory.swap.max");
    uint64_t swap_limit = sl == UINT64_MAX || limit == UINT64_MAX ? UINT64_MAX : sl + limit;
    if (w.dir && cgroup_file_exists(w.dir, "memory.swap.current"))
      mem_entry(g, "swap", swap_limit, su + usage, 0, kv0(w.dir, "memory.swap.events", "max"));
    else
      mem_entry(g, "swap", 0, 0, 0, 0);
    mem_entry(g, "kernel", 0, 0, 0, 0);
    mem_entry(g, "kernelTCP", 0, 0, 0, 0);
  } else {
    u64_omit(g, "cache", kv0(w.dir, "memory.stat", "cache"));
    mem_entry_v1(g, "usage", w.dir, "");
    mem_entry_v1(g, "swap", w.dir, "memsw.");
    mem_entry_v1(g, "kernel", w.dir, "kmem.");
    mem_entry_v1(g, "kernelTCP", w.dir, "kmem.tcp.");
  }
  raw_map(g, w.dir);
  yajl_gen_map_close(g);
  free(w.dir);
}

/* ---- pids ---- */

static void pids_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where w = find(l, rel, "pids");
  key(g, "pids");
  yajl_gen_map_open(g);
  u64_omit(g, "current", rd(w.dir, "pids.current"));
  u64_omit(g, "limit", rd_limit0(w.dir, "pids.max"));
  yajl_gen_map_close(g);
  free(w.dir);
}

/* ---- blkio ---- */

static void blk_entry(yajl_gen g, unsigned maj, unsigned min, const char *op, uint64_t v) {
  yajl_gen_map_open(g);
  u64_omit(g, "major", maj);
  u64_omit(g, "minor", min);
  if (*op) {
    key(g, "op");
    yajl_gen_string(g, (const unsigned char *)op, strlen(op));
  }
  u64_omit(g, "value", v);
  yajl_gen_map_close(g);
}

/* v1 lines "8:0 Read 4096"; the "Total N" line has no device and is left out. */
static void blk_list_v1(yajl_gen g, const char *k, const char *dir, const char *file) {
  _cleanup_free_ char *s = cgroup_read_file(dir, file);
  bool open = false;
  char *save = NULL;
  for (char *line = s ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
    unsigned maj, min;
    char op[32];
    unsigned long long v;
    if (sscanf(line, "%u:%u %31s %llu", &maj, &min, op, &v) != 4)
      continue;
    if (!open) { /* omitempty: no key for an empty list */
      key(g, k);
      yajl_gen_array_open(g);
      open = true;
    }
    blk_entry(g, maj, min, op, v);
  }
  if (open)
    yajl_gen_array_close(g);
}

/* The first of the files that exists and has data (cfq, bfq, throttle, as runc). */
static const char *blk_pick(const char *dir, const char *const *files, size_t n) {
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *s = cgroup_read_file(dir, files[i]);
    if (s && strchr(s, ':'))
      return files[i];
  }
  for (size_t i = 0; i < n; i++)
    if (cgroup_file_exists(dir, files[i]))
      return files[i];
  return NULL;
}

static void blkio_v1(yajl_gen g, const char *dir) {
  static const char *const bytes[] = {"blkio.io_service_bytes_recursive",
                                      "blkio.bfq.io_service_bytes_recursive",
                                      "blkio.throttle.io_service_bytes_recursive"};
  static const char *const ios[] = {"blkio.io_serviced_recursive",
                                    "blkio.bfq.io_serviced_recursive",
                                    "blkio.throttle.io_serviced_recursive"};
  const char *b = blk_pick(dir, bytes, ARRAY_SIZE(bytes)), *i = blk_pick(dir, ios, ARRAY_SIZE(ios));
  if (b)
    blk_list_v1(g, "ioServiceBytesRecursive", dir, b);
  if (i)
    blk_list_v1(g, "ioServicedRecursive", dir, i);
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void io_list_v2(yajl_gen g, const char *k, const char *dir, const char *rkey,
                       const char *wkey) {
  _cleanup_free_ char *s = cgroup_read_file(dir, "io.stat");
  if (!s || !strchr(s, ':'))
    return; /* omitempty */
  key(g, k);
  yajl_gen_array_open(g);
  char *save = NULL;
  for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned maj, min;
    if (sscanf(line, "%u:%u", &maj, &min) != 2)
      continue;
    char pat[32];
    unsigned long long v;
    char *p;
    snprintf(pat, sizeof pat, " %s=", rkey);
    if ((p = strstr(line, pat)) && sscanf(p + strlen(pat), "%llu", &v) == 1)
      blk_entry(g, maj, min, "Read", v);
    snprintf(pat, sizeof pat, " %s=", wkey);
    if ((p = strstr(line, pat)) && sscanf(p + strlen(pat), "%llu", &v) == 1)
      blk_entry(g, maj, min, "Write", v);
  }
  yajl_gen_array_close(g);
}

static void blkio_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where w = find(l, rel, "blkio");
  key(g, "blkio");
  yajl_gen_map_open(g);
  if (w.dir && w.v2) {
    io_list_v2(g, "ioServiceBytesRecursive", w.dir, "rbytes", "wbytes");
    io_list_v2(g, "ioServicedRecursive", w.dir, "rios", "wios");
  } else if (w.dir) {
    blkio_v1(g, w.dir);
  }
  yajl_gen_map_close(g);
  free(w.dir);
}

/* ---- hugetlb ---- */

/* /sys/kernel/mm/hugepages/hugepages-2048kB -> "2MB" (the cgroup file names). */
static bool page_size_name(const char *d, char *out, size_t len) {
  unsigned long kb;
  if (sscanf(d, "hugepages-%lukB", &kb) != 1)
    return false;
  static const char *const units[] = {"KB", "MB", "GB", "TB"};
  size_t u = 0;
  while (kb >= 1024 && kb % 1024 == 0 && u + 1 < ARRAY_SIZE(units)) {
    kb /= 1024;
    u++;
  }
  snprintf(out, len, "%lu%s", kb, units[u]);
  return true;
}

static void hugetlb_one(yajl_gen g, const char *dir, bool v2, const char *size) {
  char f[3][96];
  uint64_t usage, max = 0, fail;
  if (v2) {
    snprintf(f[0], sizeof f[0], "hugetlb.%s.current", size);
    snprintf(f[1], sizeof f[1], "hugetlb.%s.events", size);
    usage = rd(dir, f[0]);
    fail = kv0(dir, f[1], "max");
  } else {
    snprintf(f[0], sizeof f[0], "hugetlb.%s.usage_in_bytes", size);
    snprintf(f[1], sizeof f[1], "hugetlb.%s.max_usage_in_bytes", size);
    snprintf(f[2], sizeof f[2], "hugetlb.%s.failcnt", size);
    usage = rd(dir, f[0]);
    max = rd(dir, f[1]);
    fail = rd(dir, f[2]);
  }
  key(g, size);
  yajl_gen_map_open(g);
  u64_omit(g, "usage", usage);
  u64_omit(g, "max", max);
  u64(g, "failcnt", fail);
  yajl_gen_map_close(g);
}

static void hugetlb_stats(yajl_gen g, const struct cgroup_layout *l, const char *rel) {
  struct where w = find(l, rel, "hugetlb");
  key(g, "hugetlb");
  yajl_gen_map_open(g);
  _cleanup_closedir_ DIR *d = w.dir ? opendir("/sys/kernel/mm/hugepages") : NULL;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    char size[32], probe[96];
    if (!page_size_name(e->d_name, size, sizeof size))
      continue;
    snprintf(probe, sizeof probe, w.v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
    if (cgroup_file_exists(w.dir, probe))
      hugetlb_one(g, w.dir, w.v2, size);
  }
  yajl_gen_map_close(g);
  free(w.dir);
}

int cgroup_stats_json(const char *path, char **json, rt_error *err) {
  *json = NULL;
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  _cleanup_(gen_free) yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return rt_error_set(err, ENOMEM, "stats");
  yajl_gen_map_open(g);
  cpu_stats(g, l, path);
  cpuset_stats(g, l, path);
  memory_stats(g, l, path);
  pids_stats(g, l, path);
  blkio_stats(g, l, path);
  hugetlb_stats(g, l, path);
  key(g, "intel_rdt");
  yajl_gen_map_open(g);
  yajl_gen_map_close(g);
  key(g, "network_interfaces");
  yajl_gen_null(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
    return rt_error_set(err, EINVAL, "stats: JSON generation failed");
  *json = strndup((const char *)buf, len);
  return *json ? 0 : rt_error_set(err, ENOMEM, "stats");
}

/* ---- OOM ---- */

int cgroup_oom_watch_open(const char *path, cgroup_oom_watch *w, rt_error *err) {
  memset(w, 0, sizeof *w);
  w->fd = w->aux_fd = -1;
  const struct cgroup_layout *l = cgroup_layout_get(err);
  if (!l)
    return -1;
  struct where m = find(l, path, "memory");
  if (!m.dir)
    return rt_error_set(err, ENOENT, "no memory cgroup for %s", path);
  w->dir = m.dir;
  w->v2 = m.v2;
  if (m.v2) {
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s/memory.events", m.dir);
    w->last = kv0(m.dir, "memory.events", "oom_kill");
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0 || inotify_add_watch(w->fd, file, IN_MODIFY) < 0)
      goto fail;
    return 0;
  }
  char file[PATH_MAX];
  snprintf(file, sizeof file, "%s/memory.oom_control", m.dir);
  w->aux_fd = open(file, O_RDONLY | O_CLOEXEC);
  w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->aux_fd < 0 || w->fd < 0)
    goto fail;
  struct cgroup_ctx x = {.src = "", .err = err};
  if (cgroup_writef(&x, m.dir, "cgroup.event_control", "oom", "%d %d", w->fd, w->aux_fd) < 0) {
    cgroup_oom_watch_close(w);
    return rt_error_set(err, err->errnum, "register for OOM notifications in %s", m.dir);
  }
  return 0;
fail:;
  int e = errno;
  cgroup_oom_watch_close(w);
  return rt_error_set(err, e, "watch %s for OOM", path);
}

int cgroup_oom_watch_read(cgroup_oom_watch *w) {
  if (w->v2) {
    char buf[4096];
    while (read(w->fd, buf, sizeof buf) > 0)
      ;
    if (access(w->dir, F_OK) < 0)
      return -ENOENT;
    uint64_t now = kv0(w->dir, "memory.events", "oom_kill");
    int n = now > w->last ? (int)(now - w->last) : 0;
    w->last = now;
    return n;
  }
  uint64_t count;
  if (read(w->fd, &count, sizeof count) != (ssize_t)sizeof count)
    return errno == EAGAIN ? 0 : -errno;
  /* The eventfd also fires when the cgroup is removed. */
  if (access(w->dir, F_OK) < 0)
    return -ENOENT;
  return count > INT32_MAX ? INT32_MAX : (int)count;
}

void cgroup_oom_watch_close(cgroup_oom_watch *w) {
  if (w->fd >= 0)
    close(w->fd);
  if (w->aux_fd >= 0)
    close(w->aux_fd);
  free(w->dir);
  w->fd = w->aux_fd = -1;
  w->dir = NULL;
}
