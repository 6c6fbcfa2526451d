/* Unit tests of the cgroup logic without root: the host's layout is replaced
 * by a fake one (cgroup_layout_override) whose hierarchies are directories of a
 * temporary tree with the files a kernel would show, and every file write
 * goes through the recording fake of sys_write_file (fake_kernel.c). The
 * tests check the exact files and values written for a linux.resources
 * object (parsed from JSON), their order where it matters, and the error
 * messages. The real kernel's answers are tests/unit/test_cgroup.c's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_kernel.h"
#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "tap.h"
#include "util/cleanup.h"

static char base[] = "/tmp/rt-test-cgl-XXXXXX";

/* ---- the fake tree ---- */

static void put(const char *dir, const char *file, const char *content) {
  char p[4096];
  snprintf(p, sizeof p, "%s%s/%s", base, dir, file);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, content, strlen(content)) < 0)
    printf("# cannot write %s: %s\n", p, strerror(errno));
  if (fd >= 0)
    close(fd);
}

static void dir(const char *d) {
  char p[4096];
  snprintf(p, sizeof p, "%s%s", base, d);
  mkdir(p, 0755);
}

static void rm_tree(const char *p) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
  if (system(cmd) != 0)
    printf("# cannot remove %s\n", p);
}

/* Every file of a list ("a b c"), empty. */
static void files(const char *d, const char *list) {
  char copy[2048], *save = NULL;
  snprintf(copy, sizeof copy, "%s", list);
  for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
    put(d, t, "");
}

static char mnt_v2[4200], mnt_uni[4200];
static struct cgroup_hier hiers[8];
static char hier_mnt[8][4200];
static struct cgroup_layout v2_layout, hy_layout;

#define V2_ROOT_CTRLS "cpuset cpu io memory hugetlb pids rdma"
#define V2_LEAF_FILES                                                                       \
  "cgroup.procs cgroup.controllers cgroup.subtree_control cpu.weight cpu.max cpu.max.burst " \
  "cpu.idle cpuset.cpus cpuset.mems memory.max memory.low memory.high memory.swap.max "      \
  "pids.max io.max io.weight hugetlb.2MB.max hugetlb.2MB.rsvd.max rdma.max"

/* A pure v2 tree: base/v2 (the mount) and the leaf rel with every file. */
static void v2_tree(const char *rel, const char *root_ctrls) {
  rm_tree(mnt_v2);
  dir("/v2");
  put("/v2", "cgroup.controllers", root_ctrls);
  put("/v2", "cgroup.subtree_control", "");
  put("/v2", "cgroup.procs", "1\n");
  char leaf[256];
  snprintf(leaf, sizeof leaf, "/v2%s", rel);
  dir(leaf);
  files(leaf, V2_LEAF_FILES);
  put(leaf, "cpu.max", "max 100000\n");
  put(leaf, "memory.max", "max\n");
}

static const char *const v1_ctrls[] = {"cpu,cpuacct", "cpuset", "memory", "pids", "blkio",
                                       "devices", "freezer", "net_cls,net_prio"};

/* A hybrid tree: one directory per v1 hierarchy, base/unified with hugetlb. */
static void hybrid_tree(const char *rel) {
  rm_tree(mnt_uni);
  for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++)
    rm_tree(hier_mnt[i]);
  char d[256];
  for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++) {
    snprintf(d, sizeof d, "/%s", v1_ctrls[i]);
    dir(d);
    snprintf(d, sizeof d, "/%s%s", v1_ctrls[i], rel);
    dir(d);
    files(d, "tasks cgroup.procs");
  }
  put("/cpuset", "cpuset.cpus", "0-1\n");
  put("/cpuset", "cpuset.mems", "0\n");
  snprintf(d, sizeof d, "/cpuset%s", rel);
  files(d, "cpuset.cpus cpuset.mems");
  snprintf(d, sizeof d, "/memory%s", rel);
  files(d, "memory.memsw.limit_in_bytes memory.soft_limit_in_bytes memory.swappiness "
           "memory.oom_control memory.kmem.tcp.limit_in_bytes");
  put(d, "memory.limit_in_bytes", "9223372036854771712\n");
  snprintf(d, sizeof d, "/cpu,cpuacct%s", rel);
  files(d, "cpu.shares cpu.cfs_quota_us cpu.cfs_period_us");
  snprintf(d, sizeof d, "/pids%s", rel);
  files(d, "pids.max");
  snprintf(d, sizeof d, "/blkio%s", rel);
  files(d, "blkio.weight blkio.throttle.read_bps_device blkio.throttle.write_iops_device");
  snprintf(d, sizeof d, "/devices%s", rel);
  files(d, "devices.allow devices.deny");
  snprintf(d, sizeof d, "/net_cls,net_prio%s", rel);
  files(d, "net_cls.classid net_prio.ifpriomap");
  dir("/unified");
  put("/unified", "cgroup.controllers", "hugetlb");
  put("/unified", "cgroup.subtree_control", "");
  put("/unified", "cgroup.procs", "1\n");
  snprintf(d, sizeof d, "/unified%s", rel);
  dir(d);
  files(d, "cgroup.procs cgroup.controllers cgroup.subtree_control hugetlb.2MB.max");
}

static void layouts_init(void) {
  snprintf(mnt_v2, sizeof mnt_v2, "%s/v2", base);
  snprintf(mnt_uni, sizeof mnt_uni, "%s/unified", base);
  v2_layout = (struct cgroup_layout){.mode = CGROUP_MODE_V2, .unified = mnt_v2};
  for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++) {
    snprintf(hier_mnt[i], sizeof hier_mnt[i], "%s/%s", base, v1_ctrls[i]);
    hiers[i] = (struct cgroup_hier){.mnt = hier_mnt[i], .ctrls = (char *)v1_ctrls[i]};
  }
  hy_layout = (struct cgroup_layout){.mode = CGROUP_MODE_HYBRID, .v1 = hiers,
                                 .n_v1 = ARRAY_SIZE(v1_ctrls), .unified = mnt_uni};
}

/* ---- configs ---- */

/* A config with cgroupsPath and linux.resources (JSON, ' for "). */
static oci_config *config(const char *path, const char *resources) {
  char doc[8192];
  snprintf(doc, sizeof doc,
           "{'ociVersion':'1.3.0','root':{'path':'rootfs'},'linux':{'cgroupsPath':'%s',"
           "'resources':%s}}",
           path, resources);
  for (char *p = doc; *p; p++)
    if (*p == '\'')
      *p = '"';
  rt_error err;
  oci_config *c = oci_config_parse_data(doc, strlen(doc), "config.json", &err);
  if (!c)
    printf("# config does not parse: %s\n", err.msg);
  return c;
}

static oci_resources *resources(const char *json) {
  char doc[4096];
  snprintf(doc, sizeof doc, "%s", json);
  for (char *p = doc; *p; p++)
    if (*p == '\'')
      *p = '"';
  rt_error err;
  oci_resources *r = oci_resources_parse_data(doc, strlen(doc), "resources.json", &err);
  if (!r)
    printf("# resources do not parse: %s\n", err.msg);
  return r;
}

static const char *fail_needle; /* the next create's write that fails */

/* cgroup_create on the current override; the rt_error of a failure. */
static int create(const char *rel, const char *res, rt_error *err) {
  oci_config *c = config(rel, res);
  if (!c)
    return rt_error_set(err, EINVAL, "bad test config");
  char *path = NULL;
  struct cgroup_attach a = CGROUP_ATTACH_INIT;
  fk_reset(base);
  if (fail_needle)
    fk_fail(fail_needle, EINVAL); /* as the kernel refuses a value */
  fail_needle = NULL;
  int r = cgroup_create(c, "id", &path, &a, err);
  cgroup_attach_close(&a);
  free(path);
  oci_config_free(c);
  return r;
}

static void expect_error(const char *what, const char *rel, const char *res, const char *n1,
                         const char *n2) {
  rt_error err = {0};
  int r = create(rel, res, &err);
  ok(r < 0 && fk_has(err.msg, n1) && (!n2 || fk_has(err.msg, n2)), "%s: %s", what,
     r < 0 ? err.msg : "no error");
}

/* ---- v2 ---- */

static const char *full_v2 =
    "{'memory':{'limit':67108864,'reservation':33554432,'swap':134217728},"
    "'cpu':{'shares':1024,'quota':50000,'period':100000,'cpus':'0-1','mems':'0',"
    "'burst':1000,'idle':1},"
    "'pids':{'limit':100},"
    "'blockIO':{'weight':500,'weightDevice':[{'major':8,'minor':0,'weight':1000}],"
    "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
    "'throttleWriteIOPSDevice':[{'major':8,'minor':16,'rate':100}]},"
    "'hugepageLimits':[{'pageSize':'2MB','limit':4194304}],"
    "'rdma':{'mlx5_0':{'hcaHandles':2,'hcaObjects':10}},"
    "'unified':{'memory.high':'50000000'},"
    "'devices':[{'allow':false,'access':'rwm'}]}";

static void test_v2_create(void) {
  cgroup_layout_override(&v2_layout);
  v2_tree("/t", V2_ROOT_CTRLS);
  rt_error err = {0};
  int r = create("/t", full_v2, &err);
  ok(r == 0, "v2: cgroup_create with every resource (%s)", r ? err.msg : "ok");
  const char *w = fk_log_of("write /v2/t/");
  ok(fk_has(w, "write /v2/t/memory.swap.max 67108864\n"),
     "v2: memory.swap is memory+swap: memory.swap.max = swap - limit");
  ok(fk_has(w, "write /v2/t/memory.max 67108864\n"), "v2: memory.limit -> memory.max");
  ok(fk_has(w, "write /v2/t/memory.low 33554432\n"), "v2: memory.reservation -> memory.low");
  ok(fk_before("memory.swap.max", "memory.max "), "v2: memory.swap.max before memory.max");
  ok(fk_has(w, "write /v2/t/cpu.weight 39\n"), "v2: cpu.shares 1024 -> cpu.weight 39");
  ok(fk_has(w, "write /v2/t/cpu.max 50000 100000\n"), "v2: cpu.quota and cpu.period -> cpu.max");
  ok(fk_has(w, "write /v2/t/cpu.max.burst 1000\n"), "v2: cpu.burst -> cpu.max.burst");
  ok(fk_has(w, "write /v2/t/cpu.idle 1\n"), "v2: cpu.idle");
  ok(fk_has(w, "write /v2/t/cpuset.cpus 0-1\n") && fk_has(w, "write /v2/t/cpuset.mems 0\n"),
     "v2: cpu.cpus and cpu.mems -> cpuset.cpus, cpuset.mems");
  ok(fk_has(w, "write /v2/t/pids.max 100\n"), "v2: pids.limit -> pids.max");
  ok(fk_has(w, "write /v2/t/io.weight default 4950\n"), "v2: blockIO.weight 500 -> io.weight 4950");
  ok(fk_has(w, "write /v2/t/io.weight 8:0 10000\n"), "v2: weightDevice 1000 -> io.weight 8:0 10000");
  ok(fk_has(w, "write /v2/t/io.max 8:0 rbps=1048576\n"), "v2: throttleReadBpsDevice -> io.max rbps");
  ok(fk_has(w, "write /v2/t/io.max 8:16 wiops=100\n"), "v2: throttleWriteIOPSDevice -> io.max wiops");
  ok(fk_has(w, "write /v2/t/hugetlb.2MB.max 4194304\n") &&
         fk_has(w, "write /v2/t/hugetlb.2MB.rsvd.max 4194304\n"),
     "v2: hugepageLimits -> hugetlb.2MB.max and .rsvd.max");
  ok(fk_has(w, "write /v2/t/rdma.max mlx5_0 hca_handle=2 hca_object=10\n"), "v2: rdma -> rdma.max");
  ok(fk_has(w, "write /v2/t/memory.high 50000000\n"), "v2: unified map written as is");
  ok(fk_before("cpu.max ", "memory.high"), "v2: the unified map comes last");
  const char *sub = fk_log_of("write /v2/cgroup.subtree_control");
  static const char *const ctrls[] = {"memory", "cpu", "cpuset", "pids", "io", "hugetlb", "rdma"};
  bool all = true;
  for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
    char line[64];
    snprintf(line, sizeof line, "write /v2/cgroup.subtree_control +%s\n", ctrls[i]);
    all &= fk_has(sub, line);
  }
  ok(all, "v2: the controllers needed are enabled in the root's cgroup.subtree_control");
  ok(fk_before("subtree_control +memory", "/v2/t/memory.max"),
     "v2: controllers are enabled before the first write to the leaf");
  bool bpf = strstr(fk_log(), "bpf_devices /v2/t 12 rules") != NULL;
  if (geteuid() == 0)
    ok(bpf, "v2: as root the device filter gets the config's rule and the 11 defaults");
  else
    ok(!bpf && !strstr(fk_log(), "bpf_devices"), "v2: unprivileged, no device filter (rootless)");
  ok(!strstr(fk_log(), "cgroup.procs"), "v2: cgroup_create moves no process");
}

static void test_v2_nested(void) {
  cgroup_layout_override(&v2_layout);
  v2_tree("/a", V2_ROOT_CTRLS);
  put("/v2/a", "cgroup.controllers", "memory pids");
  put("/v2/a", "cgroup.procs", "42\n"); /* a process: only what is needed there */
  dir("/v2/a/b");
  files("/v2/a/b", V2_LEAF_FILES);
  rt_error err = {0};
  int r = create("/a/b", "{'pids':{'limit':-1}}", &err);
  ok(r == 0, "v2 nested: create /a/b (%s)", r ? err.msg : "ok");
  ok(fk_has(fk_log(), "write /v2/cgroup.subtree_control +pids\n") &&
         fk_has(fk_log(), "write /v2/a/cgroup.subtree_control +pids\n"),
     "v2 nested: pids enabled in every ancestor");
  ok(!strstr(fk_log(), "write /v2/a/cgroup.subtree_control +memory"),
     "v2 nested: an ancestor with processes gets only the controllers needed");
  ok(fk_has(fk_log(), "write /v2/a/b/pids.max max\n"), "v2: pids.limit -1 -> max");
}

static void test_v2_errors(void) {
  cgroup_layout_override(&v2_layout);
  v2_tree("/t", "cpu memory pids");
  expect_error("v2: a missing controller", "/t", "{'rdma':{'mlx5_0':{'hcaHandles':1}}}",
               "config.json: .linux.resources.rdma: the rdma cgroup controller is not available",
               "(cgroup.controllers: cpu memory pids)");
  v2_tree("/t", V2_ROOT_CTRLS);
  expect_error("v2: swap below the limit", "/t", "{'memory':{'limit':100,'swap':50}}",
               ".linux.resources.memory.swap: memory+swap (50) is below memory.limit (100)",
               NULL);
  expect_error("v2: swap without a limit", "/t", "{'memory':{'swap':500}}",
               ".linux.resources.memory.swap: cannot limit swap without a memory limit", NULL);
  expect_error("v2: real-time", "/t", "{'cpu':{'realtimeRuntime':1000}}",
               ".linux.resources.cpu.realtimeRuntime: cgroup v2 has no real-time", NULL);
  expect_error("v2: net_cls", "/t", "{'network':{'classID':1}}",
               ".linux.resources.network.classID: cgroup v2 has no net_cls controller", NULL);
  expect_error("v2: an unknown hugepage size", "/t",
               "{'hugepageLimits':[{'pageSize':'1GB','limit':1}]}",
               ".linux.resources.hugepageLimits[0]: no hugepages of size 1GB", "hugetlb.1GB.max");
  expect_error("v2: a unified key without its file", "/t", "{'unified':{'memory.oom.group':'1'}}",
               ".linux.resources.unified[\"memory.oom.group\"]: no such file in",
               "is the memory controller available?");
  expect_error("v2: a unified key that is a path", "/t", "{'unified':{'../x.y':'1'}}",
               "unified[\"../x.y\"]: not a cgroup file name", NULL);
  ok(!strstr(fk_log(), "write /v2/t/"), "v2: a bad unified key: nothing written to the leaf");
  fail_needle = "cpuset.cpus";
  rt_error err = {0};
  int r = create("/t", "{'cpu':{'cpus':'99'}}", &err);
  ok(r < 0 && fk_has(err.msg, "config.json: .linux.resources.cpu.cpus: write 99 to ") &&
         fk_has(err.msg, "/v2/t/cpuset.cpus: Invalid argument"),
     "v2: the kernel's refusal: field, value, file and errno");
  v2_tree("/t", V2_ROOT_CTRLS);
  char p[4200];
  snprintf(p, sizeof p, "%s/v2/t/memory.swap.max", base);
  unlink(p);
  expect_error("v2: no memory.swap.max", "/t", "{'memory':{'limit':100,'swap':200}}",
               ".linux.resources.memory.swap: swap limits are not supported here", NULL);
  r = create("/t", "{'memory':{'limit':-1}}", &err);
  ok(r == 0 && !strstr(fk_log(), "memory.swap.max"),
     "v2: unlimited memory without memory.swap.max is fine (%s)", r ? err.msg : "ok");
}

static void test_v2_update(void) {
  cgroup_layout_override(&v2_layout);
  v2_tree("/t", V2_ROOT_CTRLS);
  put("/v2/t", "memory.max", "67108864\n");
  put("/v2/t", "cpu.max", "50000 100000\n");
  oci_resources *r = resources("{'memory':{'swap':100663296},'cpu':{'period':200000}}");
  rt_error err = {0};
  fk_reset(base);
  int ret = r ? cgroup_update("/t", false, r, &err) : -1;
  ok(ret == 0, "v2 update (%s)", ret ? err.msg : "ok");
  ok(fk_has(fk_log(), "write /v2/t/memory.swap.max 33554432\n"),
     "v2 update: swap alone is memory+swap against the limit in force");
  ok(fk_has(fk_log(), "write /v2/t/cpu.max 50000 200000\n"),
     "v2 update: a period alone keeps the quota in force");
  ok(fk_has(fk_log(), "write /v2/cgroup.subtree_control +memory\n"),
     "v2 update: the controllers needed are enabled as at create");
  oci_resources_free(r);
  r = resources("{'memory':{'limit':100,'swap':50}}");
  ret = r ? cgroup_update("/t", false, r, &err) : 0;
  ok(ret < 0 && fk_has(err.msg, ".linux.resources.memory.swap: memory+swap") &&
         !strstr(err.msg, "config.json"),
     "v2 update: messages name the field without config.json (%s)", err.msg);
  oci_resources_free(r);
  r = resources("{'memory':{'limit':0},'cpu':{'shares':0,'quota':0}}");
  fk_reset(base);
  ret = r ? cgroup_update("/t", false, r, &err) : -1;
  ok(ret == 0 && !strstr(fk_log(), "write /v2/t/"),
     "v2 update: zeros are unset (runc): nothing written to the cgroup");
  oci_resources_free(r);
}

/* ---- hybrid (v1 controllers, hugetlb on the unified hierarchy) ---- */

static const char *full_v1 =
    "{'memory':{'limit':67108864,'reservation':33554432,'swap':134217728,'kernelTCP':16777216,"
    "'swappiness':10,'disableOOMKiller':true},"
    "'cpu':{'shares':512,'quota':50000,'period':100000,'cpus':'0','mems':'0'},"
    "'pids':{'limit':100},"
    "'blockIO':{'weight':500,'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
    "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':100}]},"
    "'hugepageLimits':[{'pageSize':'2MB','limit':4194304}],"
    "'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':5}]},"
    "'devices':[{'allow':false,'access':'rwm'},"
    "{'allow':true,'type':'c','major':1,'minor':3,'access':'rw'}]}";

static void test_hybrid_create(void) {
  cgroup_layout_override(&hy_layout);
  hybrid_tree("/t");
  rt_error err = {0};
  int r = create("/t", full_v1, &err);
  ok(r == 0, "hybrid: cgroup_create with every resource (%s)", r ? err.msg : "ok");
  const char *log = fk_log();
  ok(fk_has(log, "write /memory/t/memory.limit_in_bytes 67108864\n"), "v1: memory.limit");
  ok(fk_has(log, "write /memory/t/memory.memsw.limit_in_bytes 134217728\n"),
     "v1: memory.swap -> memsw.limit_in_bytes, as is");
  ok(fk_before("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"),
     "v1: lowering from the kernel's default: the limit before memsw");
  ok(fk_has(log, "write /memory/t/memory.soft_limit_in_bytes 33554432\n"), "v1: memory.reservation");
  ok(fk_has(log, "write /memory/t/memory.kmem.tcp.limit_in_bytes 16777216\n"), "v1: kernelTCP");
  ok(fk_has(log, "write /memory/t/memory.swappiness 10\n"), "v1: swappiness");
  ok(fk_has(log, "write /memory/t/memory.oom_control 1\n"), "v1: disableOOMKiller -> oom_control 1");
  ok(fk_has(log, "write /cpu,cpuacct/t/cpu.shares 512\n"), "v1: cpu.shares as is");
  ok(fk_has(log, "write /cpu,cpuacct/t/cpu.cfs_period_us 100000\n") &&
         fk_has(log, "write /cpu,cpuacct/t/cpu.cfs_quota_us 50000\n"),
     "v1: cpu.period and cpu.quota -> cfs files");
  ok(fk_before("cpu.cfs_period_us", "cpu.cfs_quota_us"), "v1: the period before the quota");
  ok(fk_has(log, "write /cpuset/t/cpuset.cpus 0-1\n") && fk_has(log, "write /cpuset/t/cpuset.mems 0\n"),
     "v1: a new cpuset gets its parent's cpus and mems first");
  ok(fk_before("write /cpuset/t/cpuset.cpus 0-1", "write /cpuset/t/cpuset.cpus 0\n"),
     "v1: then the config's cpu.cpus");
  ok(fk_has(log, "write /pids/t/pids.max 100\n"), "v1: pids.limit");
  ok(fk_has(log, "write /blkio/t/blkio.weight 500\n"), "v1: blockIO.weight as is");
  ok(fk_has(log, "write /blkio/t/blkio.throttle.read_bps_device 8:0 1048576\n") &&
         fk_has(log, "write /blkio/t/blkio.throttle.write_iops_device 8:0 100\n"),
     "v1: throttles as MAJ:MIN RATE");
  ok(fk_has(log, "write /unified/cgroup.subtree_control +hugetlb\n") &&
         fk_has(log, "write /unified/t/hugetlb.2MB.max 4194304\n"),
     "hybrid: hugetlb (no v1 hierarchy) on the unified hierarchy, enabled there");
  ok(fk_has(log, "write /net_cls,net_prio/t/net_cls.classid 1048577\n") &&
         fk_has(log, "write /net_cls,net_prio/t/net_prio.ifpriomap eth0 5\n"),
     "v1: network classID and priorities");
  const char *dev = fk_log_of("write /devices/");
  ok(strncmp(dev, "write /devices/t/devices.deny a\n"
                  "write /devices/t/devices.deny a *:* rwm\n"
                  "write /devices/t/devices.allow c 1:3 rw\n"
                  "write /devices/t/devices.allow c *:* m\n",
             strlen("write /devices/t/devices.deny a\nwrite /devices/t/devices.deny a *:* rwm\n"
                    "write /devices/t/devices.allow c 1:3 rw\nwrite /devices/t/devices.allow "
                    "c *:* m\n")) == 0,
     "v1 devices: deny all, the config's rules in order, then the defaults");
  int n = 0;
  for (const char *p = dev; (p = strstr(p, "devices.allow")); p++)
    n++;
  ok(n == 12, "v1 devices: 1 + 11 default allow rules (%d)", n);
  ok(fk_before("devices.deny a\n", "memory.limit_in_bytes"), "v1: devices come first");
  ok(!strstr(log, "tasks") && !strstr(log, "cgroup.procs"), "v1: cgroup_create moves no process");
}

static void test_hybrid_memory_up(void) {
  cgroup_layout_override(&hy_layout);
  hybrid_tree("/t");
  put("/memory/t", "memory.limit_in_bytes", "33554432\n");
  rt_error err = {0};
  int r = create("/t", "{'memory':{'limit':67108864,'swap':134217728}}", &err);
  ok(r == 0 && fk_before("memory.memsw.limit_in_bytes", "memory.limit_in_bytes"),
     "v1: raising the limit above memsw in force: memsw first (%s)", r ? err.msg : "ok");
  hybrid_tree("/t");
  r = create("/t", "{'memory':{'limit':-1}}", &err);
  ok(r == 0 && fk_has(fk_log(), "write /memory/t/memory.memsw.limit_in_bytes -1\n"),
     "v1: unlimited memory without swap: unlimited swap too (runc)");
}

static void test_v1_errors(void) {
  cgroup_layout_override(&hy_layout);
  hybrid_tree("/t");
  expect_error("v1: no rdma hierarchy", "/t", "{'rdma':{'mlx5_0':{'hcaHandles':1}}}",
               "config.json: .linux.resources.rdma: the rdma cgroup controller is not available "
               "on this host",
               NULL);
  expect_error("v1: swappiness out of range", "/t", "{'memory':{'swappiness':101}}",
               ".linux.resources.memory.swappiness: 101 is out of range 0-100", NULL);
  expect_error("v1: a v2-only unified key", "/t", "{'unified':{'memory.max':'1'}}",
               ".linux.resources.unified[\"memory.max\"]: the host uses cgroup v1 (hybrid)", NULL);
  expect_error("v1: no real-time scheduling", "/t", "{'cpu':{'realtimeRuntime':1000}}",
               ".linux.resources.cpu.realtimeRuntime: the kernel has no real-time group "
               "scheduling",
               NULL);
  expect_error("v1: no cfs burst", "/t", "{'cpu':{'burst':1}}",
               ".linux.resources.cpu.burst: the kernel has no cpu.cfs_burst_us", NULL);
  expect_error("v1: an unknown hugepage size (on the unified hierarchy)", "/t",
               "{'hugepageLimits':[{'pageSize':'1GB','limit':1}]}",
               ".linux.resources.hugepageLimits[0]: no hugepages of size 1GB", NULL);
  char p[4200];
  snprintf(p, sizeof p, "%s/memory/t/memory.memsw.limit_in_bytes", base);
  unlink(p);
  expect_error("v1: swap without swap accounting", "/t", "{'memory':{'limit':100,'swap':200}}",
               ".linux.resources.memory.swap: swap limits are not supported here", "memsw");
  hybrid_tree("/t");
  rt_error err = {0};
  int r = create("/t", "{'unified':{'memory.swappiness':'33'}}", &err);
  ok(r == 0 && fk_has(fk_log(), "write /memory/t/memory.swappiness 33\n"),
     "v1: a unified key whose file the v1 hierarchy has is written there (%s)",
     r ? err.msg : "ok");
  r = create("/t", "{'blockIO':{'leafWeight':10}}", &err);
  ok(r < 0 && fk_has(err.msg, ".linux.resources.blockIO.leafWeight: the kernel has no "
                           "blkio.leaf_weight"),
     "v1: leafWeight without the file: %s", r < 0 ? err.msg : "no error");
}

static void test_attach(void) {
  cgroup_layout_override(&hy_layout);
  hybrid_tree("/t");
  struct cgroup_attach a = CGROUP_ATTACH_INIT;
  rt_error err = {0};
  int r = cgroup_attach_open("/t", "memory,cpu:sub\nother", &a, &err);
  ok(r < 0 && fk_has(err.msg, "/t/sub: No such file or directory"), "attach: a sub-cgroup that does not exist: %s",
     r < 0 ? err.msg : "no error");
  dir("/memory/t/sub");
  files("/memory/t/sub", "tasks");
  dir("/cpu,cpuacct/t/sub");
  files("/cpu,cpuacct/t/sub", "tasks");
  for (size_t i = 0; i < ARRAY_SIZE(v1_ctrls); i++) {
    char d[256];
    snprintf(d, sizeof d, "/%s/t/other", v1_ctrls[i]);
    dir(d);
    files(d, "tasks");
  }
  dir("/unified/t/other");
  r = cgroup_attach_open("/t", "memory,cpu:sub\nother", &a, &err);
  ok(r == 0 && a.n_tasks == ARRAY_SIZE(v1_ctrls) && a.into_fd >= 0,
     "attach: one tasks file per v1 hierarchy and the cgroup2 directory (%s)", r ? err.msg : "ok");
  bool right = r == 0;
  for (size_t i = 0; right && i < a.n_tasks; i++) {
    bool sub = strstr(a.task_dirs[i], "/memory/t") || strstr(a.task_dirs[i], "/cpu,cpuacct/t");
    right = strstr(a.task_dirs[i], sub ? "/t/sub" : "/t/other") != NULL;
  }
  ok(right && a.into_dir && fk_has(a.into_dir, "/unified/t/other"),
     "attach: ctrl:name for those controllers, name for the others");
  cgroup_attach_close(&a);
  r = cgroup_attach_open("/t", "rdma:x", &a, &err);
  ok(r < 0 && fk_has(err.msg, "--cgroup rdma:x: no cgroup v1 controller \"rdma\" on this host"),
     "attach: an unknown v1 controller: %s", r < 0 ? err.msg : "no error");
  cgroup_attach_close(&a);
  r = cgroup_attach_open("/t", "../up", &a, &err);
  ok(r < 0 && fk_has(err.msg, "invalid sub-cgroup"), "attach: .. is refused");
  cgroup_attach_close(&a);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!mkdtemp(base)) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  layouts_init();
  test_v2_create();
  test_v2_nested();
  test_v2_errors();
  test_v2_update();
  test_hybrid_create();
  test_hybrid_memory_up();
  test_v1_errors();
  test_attach();
  cgroup_layout_override(NULL);
  rm_tree(base);
  return tap_done();
}
