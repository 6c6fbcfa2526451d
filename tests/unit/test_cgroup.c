/* Unit tests of the cgroups module against the real kernel: a worker child
 * is put into cgroups under a test parent (rt-test-cg-PID in every
 * hierarchy), resources are read back from the cgroup files, and everything
 * is removed at the end. Needs root; skips otherwise.
 *
 * The host's own layout is tested as it is (v1, hybrid or v2); on a hybrid
 * host the v2 code also runs against the cgroup2 mount at
 * /sys/fs/cgroup/unified (with the controllers it has there). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "tap.h"

/* tap.h's check() evaluates its condition twice: evaluate ours once. */
#define check(cond, ...)     \
  do {                       \
    bool c_ = (cond);        \
    ok(c_, __VA_ARGS__);     \
  } while (0)

static char parent[64]; /* "/rt-test-cg-PID" */
static const struct cgroup_layout *L;

/* ---- a worker child that answers requests over pipes ---- */

struct worker {
  pid_t pid;
  int cmd, res;
};

static void worker_main(int cmd, int res) {
  char c;
  while (read(cmd, &c, 1) == 1) {
    int r = 0;
    if (c == 'f' || c == 'n' || c == 'k') {
      const char *dev = c == 'f' ? "/dev/full" : c == 'n' ? "/dev/null" : "/dev/kmsg";
      int fd = open(dev, O_WRONLY | O_CLOEXEC);
      r = fd < 0 ? errno : 0;
      if (fd >= 0)
        close(fd);
    } else if (c == 'm') {
      /* 128 MiB, touched page by page: more than the OOM test's limit. */
      size_t n = 128u << 20;
      char *p = malloc(n);
      for (size_t i = 0; p && i < n; i += 4096)
        p[i] = 1;
      r = p ? 0 : ENOMEM;
    } else if (c == 'q') {
      _exit(0);
    }
    if (write(res, &r, sizeof r) != sizeof r)
      _exit(1);
  }
  _exit(0);
}

static int worker_start(struct worker *w) {
  int a[2], b[2];
  if (pipe2(a, O_CLOEXEC) < 0 || pipe2(b, O_CLOEXEC) < 0)
    return -1;
  w->pid = fork();
  if (w->pid < 0)
    return -1;
  if (w->pid == 0) {
    close(a[1]);
    close(b[0]);
    worker_main(a[0], b[1]);
  }
  close(a[0]);
  close(b[1]);
  w->cmd = a[1];
  w->res = b[0];
  return 0;
}

/* Send a request; its answer, or -ETIMEDOUT when none comes in time. */
static int worker_ask(struct worker *w, char c, int timeout_ms) {
  if (write(w->cmd, &c, 1) != 1)
    return -EPIPE;
  struct pollfd p = {.fd = w->res, .events = POLLIN};
  if (poll(&p, 1, timeout_ms) <= 0)
    return -ETIMEDOUT;
  int r;
  if (read(w->res, &r, sizeof r) != sizeof r)
    return -EPIPE;
  return r;
}

/* Reap it; the signal that killed it, 0 when it exited. */
static int worker_reap(struct worker *w) {
  int st = 0;
  close(w->cmd);
  close(w->res);
  if (waitpid(w->pid, &st, 0) < 0)
    return -1;
  return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void worker_kill(struct worker *w) {
  kill(w->pid, SIGKILL);
  worker_reap(w);
}

/* ---- reading cgroup files ---- */

static char *rel_of(const char *leaf) {
  static char buf[8][256];
  static int i;
  char *b = buf[i++ % 8];
  snprintf(b, 256, "%s/%s", parent, leaf);
  return b;
}

static char *file_in(const char *mnt, const char *rel, const char *file) {
  static char buf[8][512];
  static int i;
  char *b = buf[i++ % 8];
  snprintf(b, 512, "%s%s/%s", mnt, rel, file);
  return b;
}

/* The content of a v1 controller's file (trimmed), "" when missing. */
static const char *rd1(const char *ctrl, const char *rel, const char *file) {
  static char buf[8][4096];
  static int i;
  char *b = buf[i++ % 8];
  b[0] = '\0';
  const char *m = ctrl ? cgroup_v1_mount(L, ctrl) : L->unified;
  if (!m)
    return b;
  FILE *f = fopen(file_in(m, rel, file), "re");
  if (!f)
    return b;
  size_t n = fread(b, 1, 4095, f);
  b[n] = '\0';
  fclose(f);
  while (n > 0 && b[n - 1] == '\n')
    b[--n] = '\0';
  return b;
}

static bool contains_pid(const char *procs, pid_t pid) {
  char want[32];
  snprintf(want, sizeof want, "%d", (int)pid);
  for (const char *p = procs; p && *p;) {
    size_t n = strcspn(p, "\n");
    if (n == strlen(want) && strncmp(p, want, n) == 0)
      return true;
    p += n;
    if (*p)
      p++;
  }
  return false;
}

/* Whether no directory for rel is left in any hierarchy. */
static bool gone(const char *rel) {
  for (size_t i = 0; i < L->n_v1; i++)
    if (access(file_in(L->v1[i].mnt, rel, ""), F_OK) == 0)
      return false;
  return !L->unified || access(file_in(L->unified, rel, ""), F_OK) < 0;
}

static bool write_file(const char *path, const char *v) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool okw = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
  close(fd);
  return okw;
}

/* ---- config builders ---- */

struct cfg {
  oci_config c;
  oci_linux lx;
  oci_resources r;
  oci_memory mem;
  oci_cpu cpu;
  oci_blkio blk;
  oci_network net;
};

static void cfg_init(struct cfg *f, const char *path) {
  memset(f, 0, sizeof *f);
  f->c.linux_ = &f->lx;
  f->lx.cgroups_path = (char *)path;
  f->lx.resources = &f->r;
}

static bool has(const char *msg, const char *needle) {
  bool y = strstr(msg, needle) != NULL;
  if (!y)
    printf("#   message: %s\n#   lacks: %s\n", msg, needle);
  return y;
}

/* ---- the tests ---- */

static void test_conversions(void) {
  check(cgroup_shares_to_weight(2) == 1, "shares 2 -> weight 1");
  check(cgroup_shares_to_weight(1024) == 39, "shares 1024 -> weight 39 (runc)");
  check(cgroup_shares_to_weight(262144) == 10000, "shares 262144 -> weight 10000");
  check(cgroup_shares_to_weight(0) == 0, "shares 0 -> unset");
  check(cgroup_blkio_to_io_weight(10) == 1, "blkio weight 10 -> io.weight 1");
  check(cgroup_blkio_to_io_weight(500) == 4950, "blkio weight 500 -> io.weight 4950");
  check(cgroup_blkio_to_io_weight(1000) == 10000, "blkio weight 1000 -> io.weight 10000");
}

static void test_bpf_build(void) {
  oci_device_cgroup rules[3] = {
      {.allow = false, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 3,
       .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 5,
       .access = "r"},
  };
  void *insns = NULL;
  size_t n = 0;
  rt_error err;
  check(cgroup_devices_bpf_build(rules, 3, &insns, &n, &err) == 0 && n > 6,
     "eBPF device program built (%zu instructions)", n);
  free(insns);
  oci_device_cgroup bad = {.allow = true, .type = "x"};
  check(cgroup_devices_bpf_build(&bad, 1, &insns, &n, &err) < 0 && has(err.msg, "devices[0]"),
     "a bad device type is an error naming the rule");
}

static void test_mode(void) {
  struct statfs sf;
  int want = CGROUP_MODE_V1;
  if (statfs("/sys/fs/cgroup", &sf) == 0 && (unsigned long)sf.f_type == 0x63677270)
    want = CGROUP_MODE_V2;
  else if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && (unsigned long)sf.f_type == 0x63677270)
    want = CGROUP_MODE_HYBRID;
  rt_error err;
  int mode = cgroup_mode(&err);
  check(mode == want, "host cgroup mode detected: %s", cgroup_mode_name(mode));
}

/* The full set of resources on the host's layout. */
static void fill_all(struct cfg *f, bool have_blkdev) {
  static oci_blkio_throttle_device rbps = {.major = 254, .minor = 0, .rate = 1048576};
  static oci_blkio_throttle_device wiops = {.major = 254, .minor = 0, .rate = 100};
  static oci_device_cgroup devs[3] = {
      {.allow = false, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 3,
       .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 5,
       .access = "r"},
  };
  static oci_hugepage_limit huge = {.page_size = "2MB", .limit = 4194304};
  f->r.memory = &f->mem;
  f->mem = (oci_memory){.has_limit = true, .limit = 64 << 20, .has_reservation = true,
                        .reservation = 32 << 20, .has_swap = true, .swap = 128 << 20,
                        .has_kernel_tcp = true, .kernel_tcp = 16 << 20, .has_swappiness = true,
                        .swappiness = 10, .has_disable_oom_killer = true,
                        .disable_oom_killer = true};
  f->r.cpu = &f->cpu;
  f->cpu = (oci_cpu){.has_shares = true, .shares = 512, .has_quota = true, .quota = 50000,
                     .has_period = true, .period = 100000, .cpus = "0", .mems = "0"};
  f->r.has_pids = true;
  f->r.pids_limit = 100;
  f->r.devices = devs;
  f->r.n_devices = 3;
  f->r.hugepage_limits = &huge;
  f->r.n_hugepage_limits = 1;
  if (have_blkdev) {
    f->r.block_io = &f->blk;
    f->blk.throttle_read_bps = &rbps;
    f->blk.n_throttle_read_bps = 1;
    f->blk.throttle_write_iops = &wiops;
    f->blk.n_throttle_write_iops = 1;
  }
}

static void check_v1_values(const char *rel, bool have_blkdev) {
  is_str(rd1("memory", rel, "memory.limit_in_bytes"), "67108864", "memory.limit -> limit_in_bytes");
  is_str(rd1("memory", rel, "memory.soft_limit_in_bytes"), "33554432",
         "memory.reservation -> soft_limit_in_bytes");
  is_str(rd1("memory", rel, "memory.memsw.limit_in_bytes"), "134217728",
         "memory.swap -> memsw.limit_in_bytes");
  is_str(rd1("memory", rel, "memory.kmem.tcp.limit_in_bytes"), "16777216",
         "memory.kernelTCP -> kmem.tcp.limit_in_bytes");
  is_str(rd1("memory", rel, "memory.swappiness"), "10", "memory.swappiness");
  check(strstr(rd1("memory", rel, "memory.oom_control"), "oom_kill_disable 1") != NULL,
     "memory.disableOOMKiller -> oom_control");
  is_str(rd1("cpu", rel, "cpu.shares"), "512", "cpu.shares");
  is_str(rd1("cpu", rel, "cpu.cfs_quota_us"), "50000", "cpu.quota");
  is_str(rd1("cpu", rel, "cpu.cfs_period_us"), "100000", "cpu.period");
  is_str(rd1("cpuset", rel, "cpuset.cpus"), "0", "cpu.cpus");
  is_str(rd1("cpuset", rel, "cpuset.mems"), "0", "cpu.mems");
  is_str(rd1("pids", rel, "pids.max"), "100", "pids.limit");
  const char *list = rd1("devices", rel, "devices.list");
  check(!strstr(list, "a *:*") && strstr(list, "c 1:3 rwm") && strstr(list, "c 136:* rwm") &&
            !strstr(list, "c 1:11"),
        "devices: deny all, the rules, then the defaults");
  if (have_blkdev) {
    is_str(rd1("blkio", rel, "blkio.throttle.read_bps_device"), "254:0 1048576",
           "blockIO.throttleReadBpsDevice");
    is_str(rd1("blkio", rel, "blkio.throttle.write_iops_device"), "254:0 100",
           "blockIO.throttleWriteIOPSDevice");
  }
  if (cgroup_v1_mount(L, "hugetlb"))
    is_str(rd1("hugetlb", rel, "hugetlb.2MB.limit_in_bytes"), "4194304", "hugepageLimits (v1)");
  else if (L->unified)
    is_str(rd1(NULL, rel, "hugetlb.2MB.max"), "4194304", "hugepageLimits on the unified hierarchy");
}

static void test_v1_lifecycle(bool rt_sched) {
  if (L->mode == CGROUP_MODE_V2) {
    check(1, "# SKIP v1 and hybrid lifecycle (this host is pure v2: test_v2 runs on it)");
    return;
  }
  bool have_blkdev = access("/sys/dev/block/254:0", F_OK) == 0;
  const char *rel = rel_of("c1");
  struct cfg f;
  cfg_init(&f, rel);
  fill_all(&f, have_blkdev);
  if (rt_sched) {
    f.cpu.has_realtime_period = true;
    f.cpu.realtime_period = 1000000;
    f.cpu.has_realtime_runtime = true;
    f.cpu.realtime_runtime = 5000;
  }
  struct worker w;
  if (worker_start(&w) < 0) {
    check(0, "fork a worker");
    return;
  }
  rt_error err = {0};
  char *path = NULL;
  int r = cgroup_enter(&f.c, "c1", false, w.pid, &path, &err);
  check(r == 0, "cgroup_enter with every resource (%s)", r ? err.msg : "ok");
  if (r < 0) {
    worker_kill(&w);
    return;
  }
  is_str(path, rel, "the state's cgroup path is the cgroupsPath");
  check_v1_values(rel, have_blkdev);
  if (rt_sched)
    is_str(rd1("cpu", rel, "cpu.rt_runtime_us"), "5000", "cpu.realtimeRuntime");
  check(contains_pid(rd1("memory", rel, "cgroup.procs"), w.pid), "the pid is in the memory cgroup");
  check(contains_pid(rd1("name=systemd", rel, "cgroup.procs"), w.pid) || !cgroup_v1_mount(L, "name=systemd"),
     "the pid is in the name=systemd hierarchy");
  if (L->unified)
    check(contains_pid(rd1(NULL, rel, "cgroup.procs"), w.pid), "hybrid: the pid is in the unified hierarchy");

  /* devices enforced */
  check(worker_ask(&w, 'k', 2000) == EPERM, "devices: /dev/kmsg is denied (EPERM)");
  check(worker_ask(&w, 'f', 2000) == 0, "devices: /dev/full is allowed (a default)");
  check(worker_ask(&w, 'n', 2000) == 0, "devices: /dev/null is allowed");

  /* pids */
  pid_t *pids = NULL;
  size_t n = 0;
  check(cgroup_pids(path, &pids, &n, &err) == 0 && n == 1 && pids[0] == w.pid, "cgroup_pids lists the worker");
  free(pids);

  /* update */
  struct cfg u;
  cfg_init(&u, rel);
  u.r.memory = &u.mem;
  u.mem = (oci_memory){.has_limit = true, .limit = 48 << 20};
  u.r.cpu = &u.cpu;
  u.cpu = (oci_cpu){.has_shares = true, .shares = 256, .has_idle = true, .idle = 0};
  u.r.has_pids = true;
  u.r.pids_limit = -1;
  r = cgroup_update(path, false, &u.r, &err);
  check(r == 0, "cgroup_update (%s)", r ? err.msg : "ok");
  is_str(rd1("memory", rel, "memory.limit_in_bytes"), "50331648", "update: memory.limit");
  is_str(rd1("cpu", rel, "cpu.shares"), "256", "update: cpu.shares");
  is_str(rd1("pids", rel, "pids.max"), "max", "update: pids.limit -1 -> max");
  u.r.memory = NULL;
  u.r.has_pids = false;
  u.cpu = (oci_cpu){.cpus = "99"};
  r = cgroup_update(path, false, &u.r, &err);
  check(r < 0 && has(err.msg, ".linux.resources.cpu.cpus") && has(err.msg, "cpuset.cpus"),
     "update: a value the kernel rejects names the field and the file");
  is_str(rd1("cpuset", rel, "cpuset.cpus"), "0", "update: a rejected value leaves the old one");

  /* v1 device rules on update: as given, no defaults */
  static oci_device_cgroup deny_full[2] = {
      {.allow = true, .access = "rwm"},
      {.allow = false, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 7,
       .access = "w"},
  };
  struct cfg d;
  cfg_init(&d, rel);
  d.r.devices = deny_full;
  d.r.n_devices = 2;
  r = cgroup_update(path, false, &d.r, &err);
  check(r == 0 && worker_ask(&w, 'f', 2000) == EPERM && worker_ask(&w, 'k', 2000) == 0,
        "update devices (v1): allow all, deny /dev/full w (%s)", r ? err.msg : "ok");

  /* freeze / thaw */
  r = cgroup_freeze(path, true, &err);
  check(r == 0, "cgroup_freeze (%s)", r ? err.msg : "ok");
  check(cgroup_is_frozen(path) == 1, "cgroup_is_frozen says frozen");
  if (cgroup_v1_mount(L, "freezer"))
    is_str(rd1("freezer", rel, "freezer.state"), "FROZEN", "freezer.state FROZEN");
  check(worker_ask(&w, 'n', 300) == -ETIMEDOUT, "a frozen worker does not answer");
  r = cgroup_freeze(path, false, &err);
  check(r == 0 && cgroup_is_frozen(path) == 0, "thawed");
  int a = -1;
  struct pollfd p = {.fd = w.res, .events = POLLIN};
  check(poll(&p, 1, 2000) == 1 && read(w.res, &a, sizeof a) == sizeof a && a == 0,
     "the thawed worker answers");

  /* stats */
  char *json = NULL;
  r = cgroup_stats_json(path, &json, &err);
  check(r == 0 && json && strstr(json, "\"pids\":{\"current\":1}") && strstr(json, "\"memory\":{") &&
         strstr(json, "\"cpu\":{\"usage\":{"),
     "stats: %.300s", json ? json : err.msg);
  free(json);

  /* join (rt exec): the whole cgroup, then a v1 controller's sub-cgroup */
  struct worker w2;
  worker_start(&w2);
  r = cgroup_join(path, NULL, w2.pid, &err);
  check(r == 0 && contains_pid(rd1("memory", rel, "cgroup.procs"), w2.pid) &&
            contains_pid(rd1("pids", rel, "cgroup.procs"), w2.pid),
        "cgroup_join moves a second process in (%s)", r ? err.msg : "ok");
  char sub[600];
  snprintf(sub, sizeof sub, "%s%s/sub", cgroup_v1_mount(L, "memory"), rel);
  mkdir(sub, 0755);
  r = cgroup_join(path, "memory:sub", w2.pid, &err);
  const char *subrel = rel_of("c1/sub");
  check(r == 0 && contains_pid(rd1("memory", subrel, "cgroup.procs"), w2.pid) &&
            contains_pid(rd1("pids", rel, "cgroup.procs"), w2.pid),
        "cgroup_join memory:sub moves only the memory hierarchy (%s)", r ? err.msg : "ok");
  check(cgroup_join(path, "nosuch", w2.pid, &err) < 0 && has(err.msg, "nosuch"),
        "cgroup_join into a missing sub-cgroup is an error");

  /* destroy */
  r = cgroup_destroy(path, false, &err);
  check(r == 0, "cgroup_destroy (%s)", r ? err.msg : "ok");
  check(gone(rel), "destroy: the cgroup is gone from every hierarchy (sub-cgroups too)");
  check(worker_reap(&w) == SIGKILL, "destroy: the worker was killed");
  check(worker_reap(&w2) == SIGKILL, "destroy: the joined process was killed");
  free(path);
  check(cgroup_destroy(rel, false, &err) == 0, "destroy of a missing cgroup is fine");
}

static void test_oom(void) {
  if (!cgroup_v1_mount(L, "memory") && L->mode != CGROUP_MODE_V2) {
    check(1, "# SKIP no memory controller");
    return;
  }
  const char *rel = rel_of("oom");
  struct cfg f;
  cfg_init(&f, rel);
  f.r.memory = &f.mem;
  f.mem = (oci_memory){.has_limit = true, .limit = 32 << 20, .has_swap = true, .swap = 32 << 20};
  struct worker w;
  if (worker_start(&w) < 0)
    return;
  rt_error err;
  char *path = NULL;
  int r = cgroup_enter(&f.c, "oom", false, w.pid, &path, &err);
  check(r == 0, "oom: enter with a 32 MiB limit (%s)", r ? err.msg : "ok");
  if (r < 0) {
    worker_kill(&w);
    return;
  }
  cgroup_oom_watch ow;
  r = cgroup_oom_watch_open(path, &ow, &err);
  check(r == 0, "oom: watch (%s)", r ? err.msg : "ok");
  worker_ask(&w, 'm', 10000);
  check(worker_reap(&w) == SIGKILL, "oom: the worker was OOM-killed");
  struct pollfd p = {.fd = ow.fd, .events = POLLIN};
  int events = 0;
  if (r == 0 && poll(&p, 1, 5000) == 1)
    events = cgroup_oom_watch_read(&ow);
  check(events >= 1, "oom: the watch reported %d OOM event(s)", events);
  if (r == 0)
    cgroup_oom_watch_close(&ow);
  check(cgroup_destroy(path, false, &err) == 0 && gone(rel), "oom: destroyed");
  free(path);
}

/* Enter must fail with a message that has every needle, and leave nothing. */
static void expect_fail(struct cfg *f, const char *what, const char *n1, const char *n2) {
  struct worker w;
  if (worker_start(&w) < 0)
    return;
  rt_error err = {0};
  char *path = NULL;
  int r = cgroup_enter(&f->c, "e", false, w.pid, &path, &err);
  check(r < 0 && has(err.msg, n1) && (!n2 || has(err.msg, n2)), "%s: %s", what, r < 0 ? err.msg : "no error");
  check(path == NULL && gone(f->lx.cgroups_path), "%s: nothing left behind", what);
  if (r == 0)
    cgroup_destroy(path, false, &err);
  free(path);
  worker_kill(&w);
}

static void test_v1_errors(void) {
  struct cfg f;
  cfg_init(&f, rel_of("e1"));
  f.r.network = &f.net;
  f.net.has_class_id = true;
  f.net.class_id = 0x100001;
  if (!cgroup_v1_mount(L, "net_cls"))
    expect_fail(&f, "missing net_cls controller", ".linux.resources.network.classID", "net_cls");

  cfg_init(&f, rel_of("e2"));
  f.r.cpu = &f.cpu;
  f.cpu.cpus = "99";
  expect_fail(&f, "kernel rejects cpus 99", ".linux.resources.cpu.cpus", "/cpuset.cpus");

  static oci_rdma rdma = {.device = "mlx5_0", .has_hca_handles = true, .hca_handles = 2};
  cfg_init(&f, rel_of("e3"));
  f.r.rdma = &rdma;
  f.r.n_rdma = 1;
  if (!cgroup_v1_mount(L, "rdma") && L->mode != CGROUP_MODE_V2)
    expect_fail(&f, "missing rdma controller", ".linux.resources.rdma", "rdma");

  cfg_init(&f, rel_of("e4"));
  f.r.memory = &f.mem;
  f.mem.has_use_hierarchy = true;
  f.mem.use_hierarchy = false;
  if (L->mode != CGROUP_MODE_V2)
    expect_fail(&f, "kernel rejects useHierarchy false", ".linux.resources.memory.useHierarchy",
                "memory.use_hierarchy");

  static oci_hugepage_limit huge = {.page_size = "3MB", .limit = 1};
  cfg_init(&f, rel_of("e5"));
  f.r.hugepage_limits = &huge;
  f.r.n_hugepage_limits = 1;
  expect_fail(&f, "unknown hugepage size", ".linux.resources.hugepageLimits[0]", "3MB");

  static char *ukeys[] = {"memory.max"}, *uvals[] = {"1"};
  cfg_init(&f, rel_of("e6"));
  f.r.unified = (oci_map){.keys = ukeys, .values = uvals, .n = 1};
  if (L->mode != CGROUP_MODE_V2)
    expect_fail(&f, "a v2-only unified key on a v1 host", "unified[\"memory.max\"]", "cgroup v1");

  cfg_init(&f, rel_of("e7"));
  f.r.memory = &f.mem;
  f.mem.has_swappiness = true;
  f.mem.swappiness = 101;
  if (L->mode != CGROUP_MODE_V2) /* v2: ignored with a warning */
    expect_fail(&f, "swappiness out of range", ".linux.resources.memory.swappiness", "0-100");
}

static void test_unified_on_v1(void) {
  if (L->mode == CGROUP_MODE_V2)
    return;
  static char *ukeys[] = {"memory.swappiness"}, *uvals[] = {"33"};
  const char *rel = rel_of("u1");
  struct cfg f;
  cfg_init(&f, rel);
  f.r.unified = (oci_map){.keys = ukeys, .values = uvals, .n = 1};
  struct worker w;
  if (worker_start(&w) < 0)
    return;
  rt_error err;
  char *path = NULL;
  int r = cgroup_enter(&f.c, "u1", false, w.pid, &path, &err);
  check(r == 0, "unified key that exists on v1 is written (%s)", r ? err.msg : "ok");
  is_str(rd1("memory", rel, "memory.swappiness"), "33", "unified[memory.swappiness]");
  cgroup_destroy(path, false, &err);
  worker_reap(&w);
  free(path);
}

static void test_paths(void) {
  struct worker w;
  if (worker_start(&w) < 0)
    return;
  rt_error err;
  char *path = NULL;
  struct cfg f;
  char relpath[128];
  snprintf(relpath, sizeof relpath, "%s/rel/../rel2", parent + 1);
  cfg_init(&f, relpath);
  int r = cgroup_enter(&f.c, "x", false, w.pid, &path, &err);
  check(r == 0, "relative cgroupsPath (%s)", r ? err.msg : "ok");
  is_str(path, rel_of("rel2"), "a relative path is under the root, cleaned");
  cgroup_destroy(path, false, &err);
  free(path);
  path = NULL;

  char id[96];
  snprintf(id, sizeof id, "%s-default", parent + 1);
  cfg_init(&f, NULL);
  f.lx.resources = NULL;
  r = cgroup_enter(&f.c, id, false, w.pid, &path, &err);
  char want[128];
  snprintf(want, sizeof want, "/%s", id);
  check(r == 0, "no cgroupsPath (%s)", r ? err.msg : "ok");
  is_str(path, want, "no cgroupsPath: /<id>");
  check(cgroup_destroy(path, false, &err) == 0 && gone(want), "default path removed");
  free(path);
  path = NULL;

  /* A cgroup rt did not make stays, and so do its processes. */
  const char *pre = rel_of("pre");
  const char *pm = cgroup_v1_mount(L, "pids") ? cgroup_v1_mount(L, "pids") : L->unified;
  char dir[512];
  snprintf(dir, sizeof dir, "%s%s", pm, parent);
  mkdir(dir, 0755);
  snprintf(dir, sizeof dir, "%s%s", pm, pre);
  check(mkdir(dir, 0755) == 0, "made %s by hand", dir);
  cfg_init(&f, pre);
  f.lx.resources = NULL;
  r = cgroup_enter(&f.c, "pre", false, w.pid, &path, &err);
  check(r == 0, "enter an existing cgroup (%s)", r ? err.msg : "ok");
  check(cgroup_destroy(path, false, &err) == 0, "destroy it");
  check(access(dir, F_OK) == 0, "the cgroup rt did not make is still there");
  check(kill(w.pid, 0) == 0, "and its process was not killed");
  free(path);
  worker_kill(&w);
  rmdir(dir);

  /* systemd: not running here (or it is: then this is a real test elsewhere). */
  if (access("/run/systemd/system", F_OK) < 0) {
    struct worker w2;
    worker_start(&w2);
    cfg_init(&f, NULL);
    path = NULL;
    r = cgroup_enter(&f.c, "sd", true, w2.pid, &path, &err);
    check(r < 0 && has(err.msg, "systemd is not running (no /run/systemd/system)"),
       "systemd driver without systemd: %s", r < 0 ? err.msg : "no error");
    check(gone("/system.slice/rt-sd.scope") && gone("/system.slice"), "systemd: nothing left behind");
    worker_kill(&w2);
  }
  char *u = NULL, *s = NULL, *rr = NULL;
  check(cgroup_systemd_names("machine.slice:libpod:abc", "x", &u, &s, &rr, &err) == 0 &&
         strcmp(u, "libpod-abc.scope") == 0 && strcmp(rr, "/machine.slice/libpod-abc.scope") == 0,
     "systemd names: machine.slice:libpod:abc -> %s", rr ? rr : err.msg);
  free(u), free(s), free(rr);
  check(cgroup_systemd_names("a-b.slice::c", "x", &u, &s, &rr, &err) == 0 &&
         strcmp(rr, "/a.slice/a-b.slice/c.scope") == 0,
     "systemd names: nested slice -> %s", rr ? rr : err.msg);
  free(u), free(s), free(rr);
  check(cgroup_systemd_names("/not/systemd", "x", &u, &s, &rr, &err) < 0 && has(err.msg, "slice:prefix:name"),
     "systemd names: a cgroupfs path is an error");
}

/* ---- v2 code: the host's hierarchy on a pure v2 host, the cgroup2 mount
 * of a hybrid one ---- */

static struct cgroup_layout v2_layout;

/* config-linux.md "Cgroup ownership": a config that asks for it (a new
 * cgroup namespace, /sys/fs/cgroup mounted read-write from "cgroup"). */
static char *rw_opts[] = {"nosuid", "nodev"}, *ro_opts[] = {"nosuid", "ro"};
static oci_namespace deleg_ns[] = {{.type = "user"}, {.type = "cgroup"}};
static oci_linux deleg_linux = {.namespaces = deleg_ns, .n_namespaces = 2};
static oci_mount deleg_mount = {.destination = "/sys/fs/cgroup", .type = "cgroup", .source = "cgroup",
                                .options = rw_opts, .n_options = 2};
static oci_config deleg_cfg = {.linux_ = &deleg_linux, .mounts = &deleg_mount, .n_mounts = 1};

static void test_delegation(void) {
  check(cgroup_wants_delegation(&deleg_cfg), "ownership: delegated with a cgroup namespace and a rw mount");
  deleg_mount.options = ro_opts;
  check(!cgroup_wants_delegation(&deleg_cfg), "ownership: not with a read-only /sys/fs/cgroup");
  deleg_mount.options = rw_opts;
  deleg_ns[1].path = "/proc/self/ns/cgroup";
  check(!cgroup_wants_delegation(&deleg_cfg), "ownership: not with a joined cgroup namespace");
  deleg_ns[1].path = NULL;
  deleg_linux.n_namespaces = 1;
  check(!cgroup_wants_delegation(&deleg_cfg), "ownership: not without a cgroup namespace");
  deleg_linux.n_namespaces = 2;
  deleg_mount.source = "none";
  check(!cgroup_wants_delegation(&deleg_cfg), "ownership: not when the mount's source is not \"cgroup\"");
  deleg_mount.source = "cgroup";
  deleg_mount.destination = "/sys/fs//cgroup/";
  check(cgroup_wants_delegation(&deleg_cfg), "ownership: the destination as a path (/sys/fs//cgroup/)");
  deleg_mount.destination = "/sys/fs/cgroup";

  /* the delegation itself, on this host's cgroup2 mount */
  const char *rel = rel_of("deleg");
  rt_error err;
  int r = cgroup_mkdir_p(L->unified, rel, &err);
  check(r == 0, "ownership: mkdir %s: %s", rel, r ? err.msg : "ok");
  r = cgroup_delegate(rel, 100000, 100001, &err);
  check(r == 0, "ownership: cgroup_delegate: %s", r ? err.msg : "ok");
  struct stat st;
  const char *own[] = {"", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"};
  for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
    int sr = stat(file_in(L->unified, rel, own[i]), &st);
    check(sr == 0 && st.st_uid == 100000 && st.st_gid == 100001, "ownership: %s is 100000:100001 (%u:%u)",
          *own[i] ? own[i] : "the directory", sr ? 0 : st.st_uid, sr ? 0 : st.st_gid);
  }
  const char *keep[] = {"cgroup.controllers", "cgroup.max.depth", "cgroup.type"};
  for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
    int sr = stat(file_in(L->unified, rel, keep[i]), &st);
    check(sr == 0 && st.st_uid == 0 && st.st_gid == 0, "ownership: %s stays 0:0", keep[i]);
  }
  r = cgroup_delegate(rel_of("no-such-cgroup"), 100000, 100000, &err);
  check(r < 0 && strstr(err.msg, "no-such-cgroup"), "ownership: a missing cgroup is an error naming it (%s)",
        r < 0 ? err.msg : "no error");
}

static void test_v2(void) {
  if (L->mode == CGROUP_MODE_V1) {
    check(1, "# SKIP v2 tests: this host has no cgroup2 mount");
    return;
  }
  const struct cgroup_layout *saved = L;
  if (L->mode == CGROUP_MODE_HYBRID) {
    v2_layout = (struct cgroup_layout){.mode = CGROUP_MODE_V2, .unified = L->unified};
    cgroup_layout_override(&v2_layout);
    L = &v2_layout;
  }

  const char *rel = rel_of("v2");
  static oci_device_cgroup devs[2] = {
      {.allow = false, .access = "rwm"},
      {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 3,
       .access = "rwm"},
  };
  static oci_hugepage_limit huge = {.page_size = "2MB", .limit = 8388608};
  struct cfg f;
  cfg_init(&f, rel);
  f.r.devices = devs;
  f.r.n_devices = 2;
  bool have_huge = strstr(rd1(NULL, "", "cgroup.controllers"), "hugetlb") != NULL;
  if (have_huge) {
    f.r.hugepage_limits = &huge;
    f.r.n_hugepage_limits = 1;
  }
  struct worker w;
  worker_start(&w);
  rt_error err = {0};
  char *path = NULL;
  int r = cgroup_enter(&f.c, "v2", false, w.pid, &path, &err);
  check(r == 0, "v2: enter on %s (%s)", L->unified, r ? err.msg : "ok");
  if (r == 0) {
    check(contains_pid(rd1(NULL, rel, "cgroup.procs"), w.pid), "v2: the pid is in cgroup.procs");
    if (have_huge)
      is_str(rd1(NULL, rel, "hugetlb.2MB.max"), "8388608", "v2: hugepageLimits -> hugetlb.2MB.max");
    check(worker_ask(&w, 'k', 2000) == EPERM, "v2 eBPF: /dev/kmsg is denied (EPERM)");
    check(worker_ask(&w, 'n', 2000) == 0, "v2 eBPF: /dev/null is allowed");

    /* Later rules win: allowing /dev/full after the rest lets it through. */
    static oci_device_cgroup more[3] = {
        {.allow = false, .access = "rwm"},
        {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 3},
        {.allow = true, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 7,
         .access = "rw"},
    };
    static char *ukeys[] = {"hugetlb.2MB.max"}, *uvals[] = {"4194304"};
    struct cfg u;
    cfg_init(&u, rel);
    u.r.devices = more;
    u.r.n_devices = 3;
    if (have_huge)
      u.r.unified = (oci_map){.keys = ukeys, .values = uvals, .n = 1};
    /* update applies the rules as given (no defaults): /dev/full goes. */
    u.r.devices = devs;
    u.r.n_devices = 2;
    r = cgroup_update(path, false, &u.r, &err);
    check(r == 0 && worker_ask(&w, 'f', 2000) == EPERM, "v2 eBPF after update: /dev/full denied");
    u.r.devices = more;
    u.r.n_devices = 3;
    r = cgroup_update(path, false, &u.r, &err);
    check(r == 0, "v2: update the device rules (%s)", r ? err.msg : "ok");
    check(worker_ask(&w, 'f', 2000) == 0, "v2 eBPF after update: /dev/full is allowed");
    if (have_huge)
      is_str(rd1(NULL, rel, "hugetlb.2MB.max"), "4194304", "v2: unified key written");
    /* And a deny after an allow wins. */
    static oci_device_cgroup deny_full[2] = {
        {.allow = true, .access = "rwm"},
        {.allow = false, .type = "c", .has_major = true, .major = 1, .has_minor = true, .minor = 7,
         .access = "w"},
    };
    u.r.devices = deny_full;
    u.r.n_devices = 2;
    u.r.unified.n = 0;
    check(cgroup_update(path, false, &u.r, &err) == 0 && worker_ask(&w, 'f', 2000) == EPERM &&
           worker_ask(&w, 'n', 2000) == 0,
       "v2 eBPF: allow all then deny /dev/full w: full denied, null allowed");

    static char *bkeys[] = {"memory.max"}, *bvals[] = {"1"};
    u.r.devices = NULL;
    u.r.n_devices = 0;
    u.r.unified = (oci_map){.keys = bkeys, .values = bvals, .n = 1};
    if (!strstr(rd1(NULL, "", "cgroup.controllers"), "memory")) {
      r = cgroup_update(path, false, &u.r, &err);
      check(r < 0 && has(err.msg, "unified[\"memory.max\"]") && has(err.msg, "memory"),
         "v2: a unified key of a missing controller is an error");
    }

    check(cgroup_freeze(path, true, &err) == 0 && cgroup_is_frozen(path) == 1, "v2: cgroup.freeze");
    check(worker_ask(&w, 'n', 300) == -ETIMEDOUT, "v2: a frozen worker does not answer");
    check(cgroup_freeze(path, false, &err) == 0 && cgroup_is_frozen(path) == 0, "v2: thawed");
    int a = -1;
    struct pollfd p = {.fd = w.res, .events = POLLIN};
    check(poll(&p, 1, 2000) == 1 && read(w.res, &a, sizeof a) == sizeof a, "v2: the worker answers again");

    pid_t *pids = NULL;
    size_t n = 0;
    check(cgroup_pids(path, &pids, &n, &err) == 0 && n == 1 && pids[0] == w.pid, "v2: cgroup_pids");
    free(pids);
    char *json = NULL;
    check(cgroup_stats_json(path, &json, &err) == 0 && json && strstr(json, "\"hugetlb\":{"),
       "v2: stats %.200s", json ? json : err.msg);
    free(json);

    r = cgroup_destroy(path, false, &err);
    check(r == 0 && gone(rel), "v2: destroyed (%s)", r ? err.msg : "ok");
    check(worker_reap(&w) == SIGKILL, "v2: cgroup.kill killed the worker");
  } else {
    worker_kill(&w);
  }
  free(path);

  /* A controller the hierarchy lacks is an error naming the field. */
  cfg_init(&f, rel_of("v2e"));
  f.r.memory = &f.mem;
  f.mem.has_limit = true;
  f.mem.limit = 1 << 20;
  if (!strstr(rd1(NULL, "", "cgroup.controllers"), "memory"))
    expect_fail(&f, "v2: missing memory controller", ".linux.resources.memory.limit",
                "cgroup.controllers");
  cfg_init(&f, rel_of("v2r"));
  f.r.cpu = &f.cpu;
  f.cpu.has_realtime_runtime = true;
  f.cpu.realtime_runtime = 1000;
  expect_fail(&f, "v2: realtime is an error", ".linux.resources.cpu.realtimeRuntime", "v2");

  test_delegation();
  cgroup_layout_override(NULL);
  L = saved;
  /* never on v1 or hybrid */
  if (L->mode != CGROUP_MODE_V2)
    check(!cgroup_wants_delegation(&deleg_cfg), "ownership: not delegated on a %s host", cgroup_mode_name(L->mode));
}

/* ---- setup and cleanup ---- */

static void rmdir_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    rmdir_tree(sub);
  }
  closedir(d);
  rmdir(dir);
}

/* The unified root's subtree_control before the tests: restored after them. */
static char root_subtree[256];

static void cleanup(void) {
  for (size_t i = 0; i < L->n_v1; i++)
    rmdir_tree(file_in(L->v1[i].mnt, parent, ""));
  if (L->unified) {
    rmdir_tree(file_in(L->unified, parent, ""));
    char id[96];
    snprintf(id, sizeof id, "%s-default", parent);
    rmdir_tree(file_in(L->unified, id, ""));
  }
  if (L->unified && !strstr(root_subtree, "hugetlb") &&
      strstr(rd1(NULL, "", "cgroup.subtree_control"), "hugetlb"))
    write_file(file_in(L->unified, "", "cgroup.subtree_control"), "-hugetlb");
}

/* A directory without rt's mark is never rt's, also where the filesystem
 * has no xattrs at all (procfs: ENOTSUP); it used to be taken for rt's, so
 * delete would have killed and removed a cgroup that existed before. */
static void test_is_ours_fails_closed(void) {
  ok(!cgroup_is_ours("/proc/self"), "cgroup_is_ours: a directory without xattr support is not rt's");
  char dir[] = "/tmp/rt-test-ours-XXXXXX";
  ok(mkdtemp(dir) != NULL, "mkdtemp");
  ok(!cgroup_is_ours(dir), "cgroup_is_ours: an unmarked directory is not rt's");
  rmdir(dir);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  test_conversions();
  test_bpf_build();
  test_is_ours_fails_closed();
  if (geteuid() != 0) {
    check(1, "# SKIP the kernel tests need root");
    return tap_done();
  }
  rt_error err;
  L = cgroup_layout_get(&err);
  if (!L) {
    check(1, "# SKIP no cgroup file system: %s", err.msg);
    return tap_done();
  }
  snprintf(parent, sizeof parent, "/rt-test-cg-%d", (int)getpid());
  if (L->unified)
    snprintf(root_subtree, sizeof root_subtree, "%s", rd1(NULL, "", "cgroup.subtree_control"));
  /* Real-time runtime must be granted to the parent before a child can have it. */
  const char *cpu = cgroup_v1_mount(L, "cpu");
  bool rt_sched = cpu && access(file_in(cpu, "", "cpu.rt_runtime_us"), F_OK) == 0;
  if (rt_sched) {
    mkdir(file_in(cpu, parent, ""), 0755);
    rt_sched = write_file(file_in(cpu, parent, "cpu.rt_runtime_us"), "10000");
  }
  test_mode();
  test_v1_lifecycle(rt_sched);
  test_oom();
  test_v1_errors();
  test_unified_on_v1();
  test_paths();
  test_v2();
  cleanup();
  check(gone(parent), "the test parent %s is gone from every hierarchy", parent);
  return tap_done();
}
