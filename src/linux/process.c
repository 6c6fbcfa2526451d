#include "config.h"
#include "linux/process.h"
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

int proc_set_hostname(const oci_config *c, rt_error *err) {
  bool uts = c->linux_ && ns_find(c->linux_, "uts");
  if ((c->hostname && *c->hostname) || (c->domainname && *c->domainname)) {
    if (!uts)
      return rt_error_set(err, 0, "config.json: .%s: needs a uts namespace in .linux.namespaces",
                          c->hostname && *c->hostname ? "hostname" : "domainname");
  }
  if (c->hostname && *c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
    return rt_error_set(err, errno, "config.json: .hostname: sethostname \"%s\"", c->hostname);
  if (c->domainname && *c->domainname &&
      setdomainname(c->domainname, strlen(c->domainname)) < 0)
    return rt_error_set(err, errno, "config.json: .domainname: setdomainname \"%s\"", c->domainname);
  return 0;
}

static const char *const ipc_sysctls[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                          "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                          "kernel.shmmni", "kernel.shm_rmid_forced"};

/* Which namespace a sysctl belongs to (as runc decides), NULL when none. */
static const char *sysctl_namespace(const char *key) {
  for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
    if (strcmp(key, ipc_sysctls[i]) == 0)
      return "ipc";
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return "ipc";
  if (strncmp(key, "net.", 4) == 0)
    return "network";
  if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
    return "uts";
  return NULL;
}

int proc_check_sysctl(const oci_config *c, rt_error *err) {
  const oci_linux *l = c->linux_;
  if (!l)
    return 0;
  for (size_t i = 0; i < l->sysctl.n; i++) {
    const char *key = l->sysctl.keys[i];
    const char *ns = sysctl_namespace(key);
    if (!ns)
      return rt_error_set(err, 0,
                          "config.json: .linux.sysctl[\"%s\"]: not a namespaced sysctl; it "
                          "would change the host",
                          key);
    const oci_namespace *entry = ns_find(l, ns);
    if (!entry)
      return rt_error_set(err, 0,
                          "config.json: .linux.sysctl[\"%s\"]: needs a %s namespace in "
                          ".linux.namespaces",
                          key, ns);
    /* A namespace joined by path that is rt's own (the host's): the sysctl
     * would change the host after all (runc refuses it too). */
    if (entry->path && *entry->path && ns_is_own(entry->path, ns))
      return rt_error_set(err, 0,
                          "config.json: .linux.sysctl[\"%s\"]: the %s namespace at %s is the "
                          "host's; the sysctl would change the host",
                          key, ns, entry->path);
    /* The hostname and domainname fields set the same kernel values: two
     * answers to one question, the later silently winning. */
    if ((strcmp(key, "kernel.hostname") == 0 && c->hostname && *c->hostname) ||
        (strcmp(key, "kernel.domainname") == 0 && c->domainname && *c->domainname))
      return rt_error_set(err, 0,
                          "config.json: .linux.sysctl[\"%s\"] conflicts with .%s: set one of them",
                          key, key[7] == 'h' ? "hostname" : "domainname");
    if (strlen(key) > 255)
      return rt_error_set(err, 0, "config.json: .linux.sysctl[\"%.64s...\"]: the name is too long", key);
    if (strstr(key, "..") || strchr(key, '/'))
      return rt_error_set(err, 0, "config.json: .linux.sysctl[\"%s\"]: invalid name", key);
  }
  return 0;
}

int proc_apply_sysctl(const oci_config *c, rt_error *err) {
  const oci_linux *l = c->linux_;
  if (!l || l->sysctl.n == 0)
    return 0;
  for (size_t i = 0; i < l->sysctl.n; i++) {
    char rel[PATH_MAX];
    int n = snprintf(rel, sizeof rel, "sys/%s", l->sysctl.keys[i]);
    if (n < 0 || (size_t)n >= sizeof rel)
      return rt_error_set(err, ENAMETOOLONG, "config.json: .linux.sysctl[\"%.64s...\"]: the name is "
                                             "too long", l->sysctl.keys[i]);
    for (char *p = rel + 4; p < rel + n; p++)
      if (*p == '.')
        *p = '/';
    /* CVE-2025-52881: through rt's private procfs, never through whatever
     * the container mounted over /proc/sys (util/procfs.h). */
    const char *v = l->sysctl.values[i];
    if (procfs_write(rel, v, strlen(v), err) < 0)
      return rt_error_prefix(err, "config.json: .linux.sysctl[\"%s\"]", l->sysctl.keys[i]);
  }
  return 0;
}

static const struct {
  const char *name;
  int resource;
} rlimit_table[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

int proc_apply_rlimits(const oci_process *p, rt_error *err) {
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    int res = -1;
    for (size_t k = 0; k < ARRAY_SIZE(rlimit_table); k++)
      if (r->type && strcmp(rlimit_table[k].name, r->type) == 0)
        res = rlimit_table[k].resource;
    if (res < 0)
      return rt_error_set(err, 0, "config.json: .process.rlimits[%zu].type: unknown rlimit \"%s\"",
                          i, r->type ? r->type : "");
    struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(res, &rl) < 0) {
      int e = errno;
      struct rlimit cur;
      getrlimit(res, &cur);
      if (e == EPERM && r->hard > cur.rlim_max)
        return rt_error_set(err, e,
                            "config.json: .process.rlimits[%zu]: %s hard limit %llu is above the "
                            "current %llu and raising it needs CAP_SYS_RESOURCE",
                            i, r->type, (unsigned long long)r->hard,
                            (unsigned long long)cur.rlim_max);
      return rt_error_set(err, e, "config.json: .process.rlimits[%zu]: setrlimit %s soft %llu hard %llu",
                          i, r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
  }
  return 0;
}

int proc_apply_oom_score_adj(const oci_process *p, rt_error *err) {
  if (!p->has_oom_score_adj)
    return 0;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
  _cleanup_close_ int fd = procfs_open_self("oom_score_adj", O_WRONLY, 0, err);
  if (fd < 0)
    return rt_error_prefix(err, "config.json: .process.oomScoreAdj");
  if (write(fd, buf, (size_t)n) < 0)
    return rt_error_set(err, errno, "config.json: .process.oomScoreAdj: write %d", p->oom_score_adj);
  return 0;
}

static const struct {
  const char *name;
  unsigned long flag;
} personality_flags[] = {
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE}, {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},   {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},       {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC}, {"SHORT_INODE", SHORT_INODE},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},     {"UNAME26", UNAME26},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
};

int proc_apply_personality(const oci_linux *l, rt_error *err) {
  if (!l || !l->personality)
    return 0;
  const oci_personality *pe = l->personality;
  unsigned long v;
  if (!pe->domain || strcmp(pe->domain, "LINUX") == 0)
    v = PER_LINUX;
  else if (strcmp(pe->domain, "LINUX32") == 0)
    v = PER_LINUX32;
  else
    return rt_error_set(err, 0, "config.json: .linux.personality.domain: unknown \"%s\"",
                        pe->domain);
  for (size_t i = 0; i < pe->n_flags; i++) {
    size_t k;
    for (k = 0; k < ARRAY_SIZE(personality_flags); k++)
      if (strcmp(personality_flags[k].name, pe->flags[i]) == 0)
        break;
    if (k == ARRAY_SIZE(personality_flags))
      return rt_error_set(err, 0, "config.json: .linux.personality.flags[%zu]: unknown flag \"%s\"",
                          i, pe->flags[i]);
    v |= personality_flags[k].flag;
  }
  if (personality(v) < 0)
    return rt_error_set(err, errno, "config.json: .linux.personality: personality(0x%lx)", v);
  return 0;
}

struct rt_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

int proc_apply_scheduler(const oci_process *p, rt_error *err) {
  const oci_scheduler *s = p->scheduler;
  if (!s)
    return 0;
  static const struct {
    const char *name;
    int v;
  } policies[] = {{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},
                  {"SCHED_RR", SCHED_RR},       {"SCHED_BATCH", SCHED_BATCH},
                  {"SCHED_ISO", 4},             {"SCHED_IDLE", SCHED_IDLE},
                  {"SCHED_DEADLINE", 6}};
  static const struct {
    const char *name;
    uint64_t v;
  } flags[] = {{"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},
               {"SCHED_FLAG_DL_OVERRUN", 0x04},    {"SCHED_FLAG_KEEP_POLICY", 0x08},
               {"SCHED_FLAG_KEEP_PARAMS", 0x10},   {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
               {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}};
  struct rt_sched_attr a = {.size = sizeof a};
  size_t k;
  for (k = 0; k < ARRAY_SIZE(policies); k++)
    if (s->policy && strcmp(policies[k].name, s->policy) == 0)
      break;
  if (k == ARRAY_SIZE(policies))
    return rt_error_set(err, 0, "config.json: .process.scheduler.policy: unknown \"%s\"",
                        s->policy ? s->policy : "");
  a.sched_policy = (uint32_t)policies[k].v;
  for (size_t i = 0; i < s->n_flags; i++) {
    for (k = 0; k < ARRAY_SIZE(flags); k++)
      if (strcmp(flags[k].name, s->flags[i]) == 0)
        break;
    if (k == ARRAY_SIZE(flags))
      return rt_error_set(err, 0, "config.json: .process.scheduler.flags[%zu]: unknown \"%s\"", i,
                          s->flags[i]);
    a.sched_flags |= flags[k].v;
  }
  a.sched_nice = s->nice;
  a.sched_priority = (uint32_t)s->priority;
  a.sched_runtime = s->runtime;
  a.sched_deadline = s->deadline;
  a.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
    return rt_error_set(err, errno, "config.json: .process.scheduler: sched_setattr %s", s->policy);
  return 0;
}

int proc_apply_io_priority(const oci_process *p, rt_error *err) {
  const oci_io_priority *io = p->io_priority;
  if (!io)
    return 0;
  int cls;
  if (strcmp(io->class_, "IOPRIO_CLASS_RT") == 0)
    cls = 1;
  else if (strcmp(io->class_, "IOPRIO_CLASS_BE") == 0)
    cls = 2;
  else if (strcmp(io->class_, "IOPRIO_CLASS_IDLE") == 0)
    cls = 3;
  else
    return rt_error_set(err, 0, "config.json: .process.ioPriority.class: unknown \"%s\"", io->class_);
  if (io->priority < 0 || io->priority > 7)
    return rt_error_set(err, 0, "config.json: .process.ioPriority.priority: %d is not in 0..7",
                        io->priority);
  /* ioprio_set(IOPRIO_WHO_PROCESS, self, class << 13 | data) */
  if (syscall(SYS_ioprio_set, 1, 0, (cls << 13) | io->priority) < 0)
    return rt_error_set(err, errno, "config.json: .process.ioPriority: ioprio_set");
  return 0;
}

/* Parse a list like "0-3,5" into a bitmask of up to 1024 bits. */
static int parse_cpu_list(const char *s, unsigned long *mask, size_t nbits) {
  memset(mask, 0, nbits / 8);
  const char *p = s;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    if (!*p)
      break;
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      return -1;
    p = end;
    if (*p == '-') {
      b = strtoul(p + 1, &end, 10);
      if (end == p + 1)
        return -1;
      p = end;
    }
    if (b < a || b >= nbits)
      return -1;
    for (unsigned long i = a; i <= b; i++)
      mask[i / (8 * sizeof(long))] |= 1UL << (i % (8 * sizeof(long)));
    while (*p == ' ')
      p++;
    if (*p && *p != ',')
      return -1;
  }
  return 0;
}

int proc_apply_memory_policy(const oci_linux *l, rt_error *err) {
  if (!l || !l->memory_policy)
    return 0;
  const oci_memory_policy *m = l->memory_policy;
  static const struct {
    const char *name;
    int v;
  } modes[] = {{"MPOL_DEFAULT", 0},    {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2},
               {"MPOL_INTERLEAVE", 3}, {"MPOL_LOCAL", 4},     {"MPOL_PREFERRED_MANY", 5},
               {"MPOL_WEIGHTED_INTERLEAVE", 6}};
  static const struct {
    const char *name;
    int v;
  } mflags[] = {{"MPOL_F_STATIC_NODES", 1 << 15},
                {"MPOL_F_RELATIVE_NODES", 1 << 14},
                {"MPOL_F_NUMA_BALANCING", 1 << 13}};
  size_t k;
  for (k = 0; k < ARRAY_SIZE(modes); k++)
    if (m->mode && strcmp(modes[k].name, m->mode) == 0)
      break;
  if (k == ARRAY_SIZE(modes))
    return rt_error_set(err, 0, "config.json: .linux.memoryPolicy.mode: unknown \"%s\"",
                        m->mode ? m->mode : "");
  int mode = modes[k].v;
  for (size_t i = 0; i < m->n_flags; i++) {
    for (k = 0; k < ARRAY_SIZE(mflags); k++)
      if (strcmp(mflags[k].name, m->flags[i]) == 0)
        break;
    if (k == ARRAY_SIZE(mflags))
      return rt_error_set(err, 0, "config.json: .linux.memoryPolicy.flags[%zu]: unknown \"%s\"",
                          i, m->flags[i]);
    mode |= mflags[k].v;
  }
  unsigned long mask[1024 / (8 * sizeof(long))];
  unsigned long maxnode = 0;
  unsigned long *maskp = NULL;
  if (m->nodes && *m->nodes) {
    if (parse_cpu_list(m->nodes, mask, 1024) < 0)
      return rt_error_set(err, 0, "config.json: .linux.memoryPolicy.nodes: invalid \"%s\"", m->nodes);
    maskp = mask;
    maxnode = 1024;
  }
  if (syscall(SYS_set_mempolicy, mode, maskp, maxnode) < 0)
    return rt_error_set(err, errno, "config.json: .linux.memoryPolicy: set_mempolicy %s", m->mode);
  return 0;
}

int proc_apply_cpu_affinity(const oci_process *p, bool final, rt_error *err) {
  const char *list = final ? p->exec_cpu_affinity_final : p->exec_cpu_affinity_initial;
  if (!list || !*list)
    return 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  unsigned long mask[1024 / (8 * sizeof(long))];
  if (parse_cpu_list(list, mask, 1024) < 0)
    return rt_error_set(err, 0, "config.json: .process.execCPUAffinity.%s: invalid \"%s\"",
                        final ? "final" : "initial", list);
  for (int i = 0; i < 1024 && i < CPU_SETSIZE; i++)
    if (mask[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))))
      CPU_SET(i, &set);
  if (sched_setaffinity(0, sizeof set, &set) < 0)
    return rt_error_set(err, errno, "config.json: .process.execCPUAffinity.%s: sched_setaffinity %s",
                        final ? "final" : "initial", list);
  return 0;
}

static const char *env_get(const oci_process *p, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < p->n_env; i++)
    if (strncmp(p->env[i], name, n) == 0 && p->env[i][n] == '=')
      return p->env[i] + n + 1;
  return NULL;
}

static bool is_executable_file(const char *path) {
  struct stat st;
  return fs_stat_confined(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int proc_find_executable(const oci_process *p, char **out, rt_error *err) {
  if (!p->args || p->n_args == 0 || !p->args[0] || !*p->args[0])
    return rt_error_set(err, 0, "config.json: .process.args: must name a program to run");
  const char *name = p->args[0];
  if (strchr(name, '/')) {
    struct stat st;
    if (fs_stat_confined(name, &st) < 0)
      return rt_error_set(err, 0, "exec %s: %s in the container's root", name,
                          errno == ENOENT ? "no such file or directory"
                          : errno == ELOOP ? "a symlink loop, or a /proc magic link, which is refused"
                                           : strerror(errno));
    if (S_ISDIR(st.st_mode))
      return rt_error_set(err, 0, "exec %s: is a directory", name);
    *out = strdup(name);
    return *out ? 0 : rt_error_set(err, ENOMEM, "exec %s", name);
  }
  const char *path = env_get(p, "PATH");
  if (!path)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  _cleanup_free_ char *copy = strdup(path);
  if (!copy)
    return rt_error_set(err, ENOMEM, "exec %s", name);
  char *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *cand = NULL;
    if (asprintf(&cand, "%s/%s", *dir ? dir : ".", name) < 0)
      return rt_error_set(err, ENOMEM, "exec %s", name);
    if (is_executable_file(cand)) {
      *out = cand;
      return 0;
    }
    free(cand);
  }
  return rt_error_set(err, 0, "exec \"%s\": executable file not found in $PATH (%s) in the container",
                      name, path);
}

int proc_apply_user(const oci_process *p, bool deny_setgroups, rt_error *err) {
  const oci_user *u = &p->user;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return rt_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (!deny_setgroups) {
    gid_t *groups = u->n_additional_gids ? calloc(u->n_additional_gids, sizeof(gid_t)) : NULL;
    if (u->n_additional_gids && !groups)
      return rt_error_set(err, ENOMEM, "config.json: .process.user.additionalGids");
    for (size_t i = 0; i < u->n_additional_gids; i++)
      groups[i] = u->additional_gids[i];
    int r = setgroups(u->n_additional_gids, groups);
    free(groups);
    if (r < 0)
      return rt_error_set(err, errno, "config.json: .process.user.additionalGids: setgroups");
  } else if (u->n_additional_gids) {
    return rt_error_set(err, EPERM,
                        "config.json: .process.user.additionalGids: setgroups is denied in this "
                        "user namespace");
  }
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return rt_error_set(err, errno, "config.json: .process.user.gid: setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return rt_error_set(err, errno, "config.json: .process.user.uid: setuid %u", u->uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return rt_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
  umask(u->has_umask ? (mode_t)u->umask : 022);
  return 0;
}

int proc_chdir(const oci_process *p, rt_error *err) {
  const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
  if (fs_chdir_in_root(cwd, err) < 0)
    return rt_error_prefix(err, "config.json: .process.cwd");
  return 0;
}

int proc_apply_attributes(const oci_config *c, const oci_process *p, bool init, rt_error *err) {
  if (proc_apply_oom_score_adj(p, err) < 0 || proc_apply_rlimits(p, err) < 0)
    return -1;
  if (init && proc_apply_personality(c->linux_, err) < 0)
    return -1;
  if (proc_apply_scheduler(p, err) < 0 || proc_apply_io_priority(p, err) < 0)
    return -1;
  if (init && proc_apply_memory_policy(c->linux_, err) < 0)
    return -1;
  return 0;
}
