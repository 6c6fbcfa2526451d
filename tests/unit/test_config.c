/* Unit tests of the config.json parser on whole documents: a fixture that
 * uses every field, the spec's own example, an `rt spec` style default,
 * process.json and resources.json, and reading files. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocispec/oci_config.h"
#include "tap.h"

#ifndef FIXTURES_DIR_DEFAULT
#define FIXTURES_DIR_DEFAULT "tests/unit/fixtures"
#endif

#define is_int(got, want, ...)                                                                     \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    ok(g_ == w_, __VA_ARGS__);                                                                     \
    if (g_ != w_)                                                                                  \
      printf("#   got: %lld\n#   want: %lld\n", g_, w_);                                           \
  } while (0)
#define is_uint(got, want, ...)                                                                    \
  do {                                                                                             \
    unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want);            \
    ok(g_ == w_, __VA_ARGS__);                                                                     \
    if (g_ != w_)                                                                                  \
      printf("#   got: %llu\n#   want: %llu\n", g_, w_);                                           \
  } while (0)

static char *fixture_path(const char *name) {
  const char *dir = getenv("FIXTURES_DIR");
  char *p = NULL;
  if (asprintf(&p, "%s/%s", dir && *dir ? dir : FIXTURES_DIR_DEFAULT, name) < 0)
    abort();
  return p;
}

static oci_config *load_config(const char *name) {
  char *path = fixture_path(name);
  rt_error err = {0};
  oci_config *c = oci_config_parse_file(path, &err);
  ok(c != NULL, "%s parses", name);
  if (!c)
    printf("#   error: %s\n", err.msg);
  free(path);
  return c;
}

/* The n strings of v are exactly the NULL-terminated list want. */
static bool strv_is(char *const *v, size_t n, const char *const *want) {
  size_t i = 0;
  for (; want[i]; i++)
    if (i >= n || !v || !v[i] || strcmp(v[i], want[i]) != 0)
      return false;
  return i == n && v && v[n] == NULL;
}
#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- config-full.json: every field -------------------------------------------- */

static void check_full_process(const oci_process *p) {
  ok(p->terminal, "process.terminal");
  ok(p->has_console_size, "process.consoleSize given");
  is_uint(p->console_height, 25, "consoleSize.height");
  is_uint(p->console_width, 80, "consoleSize.width");
  is_uint(p->user.uid, 1000, "user.uid");
  is_uint(p->user.gid, 1001, "user.gid");
  ok(p->user.has_umask, "user.umask given");
  is_uint(p->user.umask, 18, "user.umask");
  is_uint(p->user.n_additional_gids, 3, "user.additionalGids count");
  ok(p->user.n_additional_gids == 3 && p->user.additional_gids[0] == 5 &&
         p->user.additional_gids[1] == 6 && p->user.additional_gids[2] == 2147483647,
     "user.additionalGids values (up to 2147483647, the largest the kernel sets)");
  is_str(p->user.username, "winuser", "user.username");
  ok(strv_is(p->args, p->n_args, STRV("/bin/sh", "-c", "echo hello")),
     "args (counted and NULL-terminated)");
  is_str(p->command_line, "cmd.exe /c echo", "commandLine");
  ok(strv_is(p->env, p->n_env, STRV("PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY=")), "env");
  is_str(p->cwd, "/home/user", "cwd");

  const oci_capabilities *c = p->capabilities;
  ok(c != NULL, "capabilities given");
  if (c) {
    ok(c->has_bounding && strv_is(c->bounding, c->n_bounding, STRV("CAP_CHOWN", "CAP_KILL")),
       "capabilities.bounding");
    ok(c->has_effective && strv_is(c->effective, c->n_effective, STRV("CAP_KILL")),
       "capabilities.effective");
    ok(c->has_inheritable && c->n_inheritable == 0 && c->inheritable && !c->inheritable[0],
       "capabilities.inheritable given and empty");
    ok(c->has_permitted && strv_is(c->permitted, c->n_permitted,
                                   STRV("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE")),
       "capabilities.permitted");
    ok(c->has_ambient && strv_is(c->ambient, c->n_ambient, STRV("CAP_NET_BIND_SERVICE")),
       "capabilities.ambient");
  }

  is_uint(p->n_rlimits, 3, "rlimits count");
  if (p->n_rlimits == 3) {
    is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type");
    is_uint(p->rlimits[0].soft, 1024, "rlimits[0].soft");
    is_uint(p->rlimits[0].hard, 4096, "rlimits[0].hard");
    is_str(p->rlimits[1].type, "RLIMIT_CORE", "rlimits[1].type");
    ok(p->rlimits[1].soft == UINT64_MAX, "rlimits[1].soft is 18446744073709551615");
    ok(p->rlimits[1].hard == UINT64_MAX, "rlimits[1].hard is 18446744073709551615");
    is_uint(p->rlimits[2].soft, 0, "rlimits[2].soft");
    is_uint(p->rlimits[2].hard, 8388608, "rlimits[2].hard");
  }
  ok(p->no_new_privileges, "noNewPrivileges");
  is_str(p->apparmor_profile, "rt-default", "apparmorProfile");
  ok(p->has_oom_score_adj, "oomScoreAdj given");
  is_int(p->oom_score_adj, -500, "oomScoreAdj");
  is_str(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2", "selinuxLabel");

  const oci_scheduler *s = p->scheduler;
  ok(s != NULL, "scheduler given");
  if (s) {
    is_str(s->policy, "SCHED_DEADLINE", "scheduler.policy");
    ok(s->has_nice && s->nice == -20, "scheduler.nice");
    ok(s->has_priority && s->priority == 0, "scheduler.priority");
    ok(strv_is(s->flags, s->n_flags, STRV("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_UTIL_CLAMP_MAX")),
       "scheduler.flags");
    ok(s->has_runtime && s->runtime == 10000000, "scheduler.runtime");
    ok(s->has_deadline && s->deadline == 20000000, "scheduler.deadline");
    ok(s->has_period && s->period == UINT64_MAX, "scheduler.period");
  }
  ok(p->io_priority != NULL, "ioPriority given");
  if (p->io_priority) {
    is_str(p->io_priority->class_, "IOPRIO_CLASS_BE", "ioPriority.class");
    is_int(p->io_priority->priority, 7, "ioPriority.priority");
  }
  is_str(p->exec_cpu_affinity_initial, "0-3,7", "execCPUAffinity.initial");
  is_str(p->exec_cpu_affinity_final, "4", "execCPUAffinity.final");
}

static void check_id_mapping(const oci_id_mapping *m, uint32_t c, uint32_t h, uint32_t s,
                             const char *what) {
  ok(m->container_id == c && m->host_id == h && m->size == s, "%s is %u:%u:%u", what, c, h, s);
}

static void check_full_top(const oci_config *c) {
  is_str(c->oci_version, "1.3.0", "ociVersion");
  ok(c->root && strcmp(c->root->path, "rootfs") == 0 && c->root->readonly, "root");
  is_str(c->hostname, "full-host", "hostname");
  is_str(c->domainname, "example.org", "domainname");

  is_uint(c->n_mounts, 3, "mounts count");
  if (c->n_mounts == 3) {
    const oci_mount *m = c->mounts;
    is_str(m[0].destination, "/proc", "mounts[0].destination");
    is_str(m[0].type, "proc", "mounts[0].type");
    is_str(m[0].source, "proc", "mounts[0].source");
    ok(m[0].options == NULL && m[0].n_options == 0, "mounts[0].options absent");
    is_str(m[1].source, "/srv/data", "mounts[1].source");
    ok(strv_is(m[1].options, m[1].n_options, STRV("rbind", "ro", "idmap")), "mounts[1].options");
    is_uint(m[1].n_uid_mappings, 1, "mounts[1].uidMappings count");
    if (m[1].n_uid_mappings == 1)
      check_id_mapping(&m[1].uid_mappings[0], 0, 100000, 65536, "mounts[1].uidMappings[0]");
    is_uint(m[1].n_gid_mappings, 2, "mounts[1].gidMappings count");
    if (m[1].n_gid_mappings == 2) {
      check_id_mapping(&m[1].gid_mappings[0], 0, 200000, 1, "mounts[1].gidMappings[0]");
      check_id_mapping(&m[1].gid_mappings[1], 1, UINT32_MAX, UINT32_MAX,
                       "mounts[1].gidMappings[1]");
    }
    is_str(m[2].destination, "relative/dir", "mounts[2]: a relative destination is kept");
    ok(m[2].options && m[2].n_options == 0, "mounts[2].options given and empty");
  }

  const struct {
    const oci_hook_list *list;
    const char *name, *path;
    int timeout;
  } hooks[] = {
      {&c->hooks.prestart, "prestart", "/usr/bin/prestart", 1},
      {&c->hooks.create_runtime, "createRuntime", "/usr/bin/create-runtime", 2},
      {&c->hooks.create_container, "createContainer", "/usr/bin/create-container", 3},
      {&c->hooks.start_container, "startContainer", "/usr/bin/start-container", 4},
      {&c->hooks.poststart, "poststart", "/usr/bin/poststart", 5},
      {&c->hooks.poststop, "poststop", "/usr/bin/poststop", 2147483647},
  };
  for (size_t i = 0; i < sizeof hooks / sizeof *hooks; i++) {
    const oci_hook_list *l = hooks[i].list;
    ok(l->n >= 1 && strcmp(l->hooks[0].path, hooks[i].path) == 0, "hooks.%s[0].path",
       hooks[i].name);
    ok(l->n >= 1 && l->hooks[0].has_timeout && l->hooks[0].timeout == hooks[i].timeout,
       "hooks.%s[0].timeout is %d", hooks[i].name, hooks[i].timeout);
  }
  const oci_hook *pre = &c->hooks.prestart.hooks[0];
  ok(strv_is(pre->args, pre->n_args, STRV("prestart", "a")), "hooks.prestart[0].args");
  ok(strv_is(pre->env, pre->n_env, STRV("K=V")), "hooks.prestart[0].env");
  ok(c->hooks.create_runtime.n == 2 && !c->hooks.create_runtime.hooks[1].has_timeout &&
         c->hooks.create_runtime.hooks[1].args == NULL,
     "hooks.createRuntime[1] has no timeout and no args");

  is_uint(c->annotations.n, 3, "annotations count");
  is_str(oci_map_get(&c->annotations, "com.example.key1"), "value1", "annotations key1");
  is_str(oci_map_get(&c->annotations, "org.opencontainers.image.stopSignal"), "SIGTERM",
         "annotations stopSignal");
  is_str(oci_map_get(&c->annotations, "empty.value"), "", "annotations: an empty value");
  ok(oci_map_get(&c->annotations, "absent") == NULL, "oci_map_get of an absent key is NULL");
}

static void check_full_linux_basics(const oci_linux *l) {
  static const char *const ns[] = {"mount", "pid",  "network", "uts",
                                   "ipc",   "user", "cgroup",  "time"};
  is_uint(l->n_namespaces, 8, "namespaces count");
  for (size_t i = 0; i < 8 && i < l->n_namespaces; i++)
    is_str(l->namespaces[i].type, ns[i], "namespaces[%zu].type", i);
  if (l->n_namespaces == 8) {
    ok(l->namespaces[0].path == NULL, "namespaces[0].path absent");
    ok(l->namespaces[1].path == NULL, "namespaces[1].path \"\" means a new namespace");
    is_str(l->namespaces[2].path, "/var/run/netns/full", "namespaces[2].path");
  }
  ok(l->n_uid_mappings == 1, "linux.uidMappings count");
  if (l->n_uid_mappings == 1)
    check_id_mapping(&l->uid_mappings[0], 0, 1000, 32000, "linux.uidMappings[0]");
  ok(l->n_gid_mappings == 2, "linux.gidMappings count");
  if (l->n_gid_mappings == 2)
    check_id_mapping(&l->gid_mappings[1], 16000, 300000, 10, "linux.gidMappings[1]");

  ok(l->time_boottime.present, "timeOffsets.boottime given");
  ok(l->time_boottime.secs == INT64_MIN, "timeOffsets.boottime.secs is -9223372036854775808");
  ok(l->time_boottime.nanosecs == UINT32_MAX, "timeOffsets.boottime.nanosecs");
  ok(l->time_monotonic.present && l->time_monotonic.secs == 172800 &&
         l->time_monotonic.nanosecs == 0,
     "timeOffsets.monotonic");

  is_uint(l->n_devices, 4, "devices count");
  if (l->n_devices == 4) {
    const oci_device *d = l->devices;
    ok(strcmp(d[0].type, "c") == 0 && strcmp(d[0].path, "/dev/fuse") == 0, "devices[0] type/path");
    ok(d[0].has_major && d[0].major == 10 && d[0].has_minor && d[0].minor == 229,
       "devices[0] major/minor");
    ok(d[0].has_file_mode && d[0].file_mode == 438, "devices[0].fileMode");
    ok(d[0].has_uid && d[0].uid == 0 && d[0].has_gid && d[0].gid == 5, "devices[0] uid/gid");
    ok(d[1].file_mode == 511 && !d[1].has_uid && !d[1].has_gid, "devices[1]");
    ok(strcmp(d[2].type, "p") == 0 && !d[2].has_major && !d[2].has_minor,
       "devices[2]: a FIFO without major/minor");
    ok(d[3].major == INT64_MAX && d[3].minor == -1 && d[3].has_file_mode && d[3].file_mode == 0,
       "devices[3]: int64 extremes, fileMode 0");
  }
  is_uint(l->n_net_devices, 2, "netDevices count");
  if (l->n_net_devices == 2) {
    ok(strcmp(l->net_devices[0].host_name, "eth0") == 0 &&
           strcmp(l->net_devices[0].name, "ctr0") == 0,
       "netDevices eth0 -> ctr0");
    ok(strcmp(l->net_devices[1].host_name, "enp0s3") == 0 && l->net_devices[1].name == NULL,
       "netDevices enp0s3 keeps its name");
  }
  is_str(l->cgroups_path, "/rt/full", "cgroupsPath");
  is_str(l->rootfs_propagation, "rslave", "rootfsPropagation");
  is_uint(l->sysctl.n, 2, "sysctl count");
  is_str(oci_map_get(&l->sysctl, "net.ipv4.ip_forward"), "1", "sysctl net.ipv4.ip_forward");
  is_str(oci_map_get(&l->sysctl, "kernel.msgmax"), "8192", "sysctl kernel.msgmax");
  ok(l->has_masked_paths &&
         strv_is(l->masked_paths, l->n_masked_paths, STRV("/proc/kcore", "/sys/firmware")),
     "maskedPaths");
  ok(l->has_readonly_paths && l->n_readonly_paths == 0, "readonlyPaths given and empty");
  is_str(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2", "mountLabel");
}

static void check_full_linux_extras(const oci_linux *l) {
  const oci_intel_rdt *rdt = l->intel_rdt;
  ok(rdt != NULL, "intelRdt given");
  if (rdt) {
    is_str(rdt->clos_id, "guaranteed_group", "intelRdt.closID");
    ok(strv_is(rdt->schemata, rdt->n_schemata, STRV("L3:0=7f0;1=1f", "MB:0=20;1=70")),
       "intelRdt.schemata");
    is_str(rdt->l3_cache_schema, "L3:0=ffff", "intelRdt.l3CacheSchema");
    is_str(rdt->mem_bw_schema, "MB:0=70", "intelRdt.memBwSchema");
    ok(rdt->enable_monitoring, "intelRdt.enableMonitoring");
  }
  const oci_memory_policy *mp = l->memory_policy;
  ok(mp && strcmp(mp->mode, "MPOL_INTERLEAVE") == 0 && strcmp(mp->nodes, "2-3") == 0 &&
         strv_is(mp->flags, mp->n_flags, STRV("MPOL_F_STATIC_NODES")),
     "memoryPolicy");
  const oci_personality *pe = l->personality;
  ok(pe && strcmp(pe->domain, "LINUX32") == 0 &&
         strv_is(pe->flags, pe->n_flags, STRV("ADDR_NO_RANDOMIZE")),
     "personality");
}

static void check_full_seccomp(const oci_seccomp *s) {
  ok(s != NULL, "seccomp given");
  if (!s)
    return;
  is_str(s->default_action, "SCMP_ACT_ERRNO", "seccomp.defaultAction");
  ok(s->has_default_errno_ret && s->default_errno_ret == 38, "seccomp.defaultErrnoRet");
  ok(strv_is(s->architectures, s->n_architectures,
             STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64")),
     "seccomp.architectures");
  ok(strv_is(s->flags, s->n_flags,
             STRV("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW")),
     "seccomp.flags");
  is_str(s->listener_path, "/run/seccomp-agent.sock", "seccomp.listenerPath");
  is_str(s->listener_metadata, "meta=1", "seccomp.listenerMetadata");
  is_uint(s->n_syscalls, 3, "seccomp.syscalls count");
  if (s->n_syscalls != 3)
    return;
  const oci_seccomp_syscall *sc = s->syscalls;
  ok(strv_is(sc[0].names, sc[0].n_names, STRV("read", "write")), "syscalls[0].names");
  ok(strcmp(sc[0].action, "SCMP_ACT_ALLOW") == 0 && !sc[0].has_errno_ret && sc[0].n_args == 0,
     "syscalls[0].action, no errnoRet, no args");
  ok(sc[1].has_errno_ret && sc[1].errno_ret == 1, "syscalls[1].errnoRet");
  is_uint(sc[1].n_args, 2, "syscalls[1].args count");
  if (sc[1].n_args == 2) {
    const oci_seccomp_arg *a = sc[1].args;
    ok(a[0].index == 0 && a[0].value == UINT64_MAX && a[0].value_two == UINT32_MAX &&
           strcmp(a[0].op, "SCMP_CMP_MASKED_EQ") == 0,
       "syscalls[1].args[0] (value 18446744073709551615)");
    ok(a[1].index == 5 && a[1].value == 0 && a[1].value_two == 0 &&
           strcmp(a[1].op, "SCMP_CMP_NE") == 0,
       "syscalls[1].args[1]");
  }
  is_str(sc[2].action, "SCMP_ACT_NOTIFY", "syscalls[2].action");
}

static void check_full_resources_a(const oci_resources *r) {
  is_uint(r->n_devices, 3, "resources.devices count");
  if (r->n_devices == 3) {
    const oci_device_cgroup *d = r->devices;
    ok(!d[0].allow && d[0].type == NULL && !d[0].has_major && !d[0].has_minor &&
           strcmp(d[0].access, "rwm") == 0,
       "resources.devices[0]: deny all");
    ok(d[1].allow && strcmp(d[1].type, "c") == 0 && d[1].major == 10 && d[1].minor == 229 &&
           strcmp(d[1].access, "rw") == 0,
       "resources.devices[1]");
    ok(d[2].has_major && !d[2].has_minor, "resources.devices[2]: minor is a wildcard");
  }
  const oci_memory *m = r->memory;
  ok(m != NULL, "memory given");
  if (m) {
    ok(m->has_limit && m->limit == 536870912, "memory.limit");
    ok(m->has_reservation && m->reservation == 268435456, "memory.reservation");
    ok(m->has_swap && m->swap == -1, "memory.swap is -1");
    ok(m->has_kernel && m->kernel == -1, "memory.kernel");
    ok(m->has_kernel_tcp && m->kernel_tcp == INT64_MAX, "memory.kernelTCP");
    ok(m->has_swappiness && m->swappiness == 60, "memory.swappiness");
    ok(m->has_disable_oom_killer && m->disable_oom_killer, "memory.disableOOMKiller");
    ok(m->has_use_hierarchy && !m->use_hierarchy, "memory.useHierarchy false but given");
    ok(m->has_check_before_update && m->check_before_update, "memory.checkBeforeUpdate");
  }
  const oci_cpu *cpu = r->cpu;
  ok(cpu != NULL, "cpu given");
  if (cpu) {
    ok(cpu->has_shares && cpu->shares == 1024, "cpu.shares");
    ok(cpu->has_quota && cpu->quota == INT64_MIN, "cpu.quota is -9223372036854775808");
    ok(cpu->has_burst && cpu->burst == 1000, "cpu.burst");
    ok(cpu->has_period && cpu->period == 100000, "cpu.period");
    ok(cpu->has_realtime_runtime && cpu->realtime_runtime == 950000, "cpu.realtimeRuntime");
    ok(cpu->has_realtime_period && cpu->realtime_period == 1000000, "cpu.realtimePeriod");
    is_str(cpu->cpus, "0-3", "cpu.cpus");
    is_str(cpu->mems, "0", "cpu.mems");
    ok(cpu->has_idle && cpu->idle == 1, "cpu.idle");
  }
  ok(r->has_pids && r->pids_limit == -1, "pids.limit is -1");
}

static void check_full_resources_b(const oci_resources *r) {
  const oci_blkio *b = r->block_io;
  ok(b != NULL, "blockIO given");
  if (b) {
    ok(b->has_weight && b->weight == 500, "blockIO.weight");
    ok(b->has_leaf_weight && b->leaf_weight == 65535, "blockIO.leafWeight is 65535");
    ok(b->n_weight_device == 2 && b->weight_device[0].major == 8 &&
           b->weight_device[0].minor == 0 && b->weight_device[0].has_weight &&
           b->weight_device[0].weight == 400 && b->weight_device[0].leaf_weight == 300,
       "blockIO.weightDevice[0]");
    ok(b->n_weight_device == 2 && !b->weight_device[1].has_weight &&
           b->weight_device[1].has_leaf_weight && b->weight_device[1].leaf_weight == 10,
       "blockIO.weightDevice[1]");
    ok(b->n_throttle_read_bps == 1 && b->throttle_read_bps[0].rate == UINT64_MAX,
       "blockIO.throttleReadBpsDevice");
    ok(b->n_throttle_write_bps == 1 && b->throttle_write_bps[0].minor == 1 &&
           b->throttle_write_bps[0].rate == 2,
       "blockIO.throttleWriteBpsDevice");
    ok(b->n_throttle_read_iops == 1 && b->throttle_read_iops[0].rate == 3,
       "blockIO.throttleReadIOPSDevice");
    ok(b->n_throttle_write_iops == 2 && b->throttle_write_iops[1].major == 259 &&
           b->throttle_write_iops[1].rate == 5,
       "blockIO.throttleWriteIOPSDevice");
  }
  is_uint(r->n_hugepage_limits, 3, "hugepageLimits count");
  if (r->n_hugepage_limits == 3) {
    ok(strcmp(r->hugepage_limits[0].page_size, "2MB") == 0 &&
           r->hugepage_limits[0].limit == 209715200,
       "hugepageLimits[0]");
    ok(strcmp(r->hugepage_limits[1].page_size, "1GB") == 0 &&
           r->hugepage_limits[1].limit == UINT64_MAX,
       "hugepageLimits[1]");
    is_str(r->hugepage_limits[2].page_size, "64KB", "hugepageLimits[2].pageSize");
  }
  const oci_network *n = r->network;
  ok(n && n->has_class_id && n->class_id == 1048577, "network.classID");
  ok(n && n->n_priorities == 2 && strcmp(n->priorities[1].name, "eth1") == 0 &&
         n->priorities[1].priority == UINT32_MAX,
     "network.priorities");
  is_uint(r->n_rdma, 2, "rdma count");
  if (r->n_rdma == 2) {
    ok(strcmp(r->rdma[0].device, "mlx5_1") == 0 && r->rdma[0].has_hca_handles &&
           r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000,
       "rdma mlx5_1");
    ok(strcmp(r->rdma[1].device, "mlx4_0") == 0 && !r->rdma[1].has_hca_handles &&
           r->rdma[1].has_hca_objects && r->rdma[1].hca_objects == 1000,
       "rdma mlx4_0");
  }
  is_uint(r->unified.n, 2, "unified count");
  is_str(oci_map_get(&r->unified, "io.max"), "259:0 rbps=2097152 wiops=120", "unified io.max");
  is_str(oci_map_get(&r->unified, "memory.high"), "max", "unified memory.high");
}

static void test_full(void) {
  oci_config *c = load_config("config-full.json");
  if (!c)
    return;
  check_full_top(c);
  ok(c->process != NULL, "process given");
  if (c->process)
    check_full_process(c->process);
  ok(c->linux_ != NULL, "linux given");
  if (c->linux_) {
    check_full_linux_basics(c->linux_);
    check_full_linux_extras(c->linux_);
    check_full_seccomp(c->linux_->seccomp);
    ok(c->linux_->resources != NULL, "resources given");
    if (c->linux_->resources) {
      check_full_resources_a(c->linux_->resources);
      check_full_resources_b(c->linux_->resources);
    }
  }
  oci_config_free(c);
}

/* ---- the spec's example and the default -------------------------------------- */

static void test_spec_example(void) {
  oci_config *c = load_config("config-spec-example.json");
  if (!c)
    return;
  is_str(c->oci_version, "1.0.1", "example: ociVersion");
  ok(c->process && c->process->terminal && c->process->user.uid == 1 &&
         c->process->user.n_additional_gids == 2,
     "example: process.user");
  ok(c->process && c->process->n_rlimits == 2 && c->process->has_oom_score_adj &&
         c->process->oom_score_adj == 100,
     "example: rlimits and oomScoreAdj");
  ok(c->process && c->process->io_priority &&
         strcmp(c->process->io_priority->class_, "IOPRIO_CLASS_IDLE") == 0,
     "example: ioPriority");
  is_str(c->hostname, "slartibartfast", "example: hostname");
  is_uint(c->n_mounts, 7, "example: mounts");
  ok(c->hooks.prestart.n == 2 && c->hooks.poststart.n == 1 && c->hooks.poststop.n == 1 &&
         c->hooks.poststart.hooks[0].timeout == 5,
     "example: hooks");
  const oci_linux *l = c->linux_;
  ok(l && l->n_devices == 2 && l->n_namespaces == 8 && l->n_masked_paths == 4 &&
         l->n_readonly_paths == 6,
     "example: linux lists");
  ok(l && l->resources && l->resources->n_hugepage_limits == 2 &&
         l->resources->hugepage_limits[0].limit == 9223372036854772000ULL,
     "example: hugepage limit 9223372036854772000");
  ok(l && l->resources && l->resources->memory && l->resources->memory->kernel == -1,
     "example: memory.kernel -1");
  ok(l && l->seccomp && l->seccomp->n_syscalls == 1 && l->seccomp->syscalls[0].n_names == 2,
     "example: seccomp");
  ok(l && l->time_monotonic.present && l->time_monotonic.secs == 172800 &&
         l->time_boottime.secs == 604800,
     "example: timeOffsets");
  is_str(l ? l->rootfs_propagation : NULL, "slave", "example: rootfsPropagation");
  is_str(oci_map_get(&c->annotations, "com.example.key2"), "value2", "example: annotations");
  oci_config_free(c);
}

static void test_default(void) {
  oci_config *c = load_config("config-default.json");
  if (!c)
    return;
  ok(c->process && c->process->n_args == 1 && strcmp(c->process->args[0], "sh") == 0,
     "default: args");
  ok(c->process && !c->process->has_oom_score_adj && !c->process->user.has_umask &&
         !c->process->has_console_size && !c->process->scheduler && !c->process->io_priority,
     "default: unset optional process fields stay unset");
  ok(c->process && c->process->capabilities && !c->process->capabilities->has_ambient &&
         !c->process->capabilities->has_inheritable && c->process->capabilities->n_bounding == 3,
     "default: capabilities");
  ok(c->root && c->root->readonly, "default: readonly root");
  is_uint(c->n_mounts, 7, "default: mounts");
  ok(c->linux_ && c->linux_->n_namespaces == 6 && c->linux_->resources &&
         c->linux_->resources->n_devices == 1 && !c->linux_->resources->memory,
     "default: linux");
  ok(c->linux_ && !c->linux_->seccomp && !c->linux_->time_boottime.present &&
         c->linux_->rootfs_propagation == NULL,
     "default: no seccomp, time offsets or propagation");
  ok(c->annotations.n == 0 && c->hooks.prestart.n == 0, "default: no annotations or hooks");
  oci_config_free(c);
}

/* ---- process.json, resources.json, files --------------------------------------- */

static void test_process_json(void) {
  char *path = fixture_path("process.json");
  rt_error err = {0};
  oci_process *p = oci_process_parse_file(path, &err);
  ok(p != NULL, "process.json parses");
  if (!p)
    printf("#   error: %s\n", err.msg);
  if (p) {
    is_str(p->cwd, "/var/www", "process.json: cwd");
    ok(p->user.uid == 33 && p->user.gid == 33 && p->user.n_additional_gids == 2 &&
           p->user.additional_gids[1] == 24,
       "process.json: user");
    ok(strv_is(p->args, p->n_args, STRV("/usr/bin/env")), "process.json: args");
    ok(p->capabilities && p->capabilities->has_effective && p->capabilities->n_effective == 0,
       "process.json: empty effective set");
    ok(p->n_rlimits == 1 && p->rlimits[0].hard == 200, "process.json: rlimits");
    ok(p->has_oom_score_adj && p->oom_score_adj == 1000, "process.json: oomScoreAdj");
    is_str(p->exec_cpu_affinity_final, "1-2", "process.json: execCPUAffinity.final");
  }
  oci_process_free(p);
  free(path);
}

static oci_resources *load_resources(const char *name) {
  char *path = fixture_path(name);
  FILE *f = fopen(path, "r");
  char buf[8192];
  size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f)
    fclose(f);
  free(path);
  rt_error err = {0};
  oci_resources *r = oci_resources_parse_data(buf, n, name, &err);
  if (!r)
    printf("#   error: %s\n", err.msg);
  return r;
}

static void test_resources_json(void) {
  oci_resources *r = load_resources("resources.json");
  ok(r != NULL, "resources.json parses");
  if (!r)
    return;
  ok(r->memory && r->memory->limit == 1073741824 && r->memory->swap == 2147483648LL &&
         !r->memory->has_reservation,
     "resources.json: memory");
  ok(r->cpu && r->cpu->shares == 512 && r->cpu->quota == 50000 && r->cpu->period == 100000 &&
         strcmp(r->cpu->cpus, "0-1") == 0,
     "resources.json: cpu");
  ok(r->has_pids && r->pids_limit == 4096, "resources.json: pids");
  ok(r->block_io && r->block_io->weight == 100, "resources.json: blockIO");
  is_str(oci_map_get(&r->unified, "memory.max"), "1073741824", "resources.json: unified");
  oci_resources_free(r);
}

static void test_files(void) {
  rt_error err = {0};
  char *path = fixture_path("does-not-exist.json");
  char *want = NULL;
  if (asprintf(&want, "open %s: No such file or directory", path) < 0)
    abort();
  ok(oci_config_parse_file(path, &err) == NULL, "a missing config.json is an error");
  is_str(err.msg, want, "... naming the file and errno");
  ok(err.errnum == ENOENT, "... with errnum ENOENT");
  rt_error_clear(&err);
  ok(oci_process_parse_file(path, &err) == NULL, "a missing process.json is an error");
  is_str(err.msg, want, "... naming the file and errno");
  free(want);
  free(path);

  path = fixture_path("config-default.json");
  oci_config *c = oci_config_parse_file(path, &err);
  ok(c != NULL, "parse_file reads a file");
  oci_config_free(c);
  free(path);

  /* Errors from parse_file name the path as given. */
  char tmpl[] = "/tmp/rt-test-config-XXXXXX";
  int fd = mkstemp(tmpl);
  const char bad[] = "{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": [\"sh\"], \"cwd\": 5}}";
  bool written = fd >= 0 && write(fd, bad, sizeof bad - 1) == (ssize_t)(sizeof bad - 1);
  ok(written, "temp file");
  close(fd);
  c = oci_config_parse_file(tmpl, &err);
  if (asprintf(&want, "%s: .process.cwd: expected a string, got an integer", tmpl) < 0)
    abort();
  ok(c == NULL, "parse_file reports errors");
  is_str(err.msg, want, "... prefixed with the path as given");
  free(want);
  unlink(tmpl);
}

int main(void) {
  test_full();
  test_spec_example();
  test_default();
  test_process_json();
  test_resources_json();
  test_files();
  return tap_done();
}
