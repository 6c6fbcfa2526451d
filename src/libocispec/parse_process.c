/* config.md "Process": the process object, shared by config.json and
 * process.json (exec --process). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

/* getrlimit(2); anything else cannot be mapped to the kernel. */
static const char *const rlimit_types[] = {"RLIMIT_AS",
                                           "RLIMIT_CORE",
                                           "RLIMIT_CPU",
                                           "RLIMIT_DATA",
                                           "RLIMIT_FSIZE",
                                           "RLIMIT_LOCKS",
                                           "RLIMIT_MEMLOCK",
                                           "RLIMIT_MSGQUEUE",
                                           "RLIMIT_NICE",
                                           "RLIMIT_NOFILE",
                                           "RLIMIT_NPROC",
                                           "RLIMIT_RSS",
                                           "RLIMIT_RTPRIO",
                                           "RLIMIT_RTTIME",
                                           "RLIMIT_SIGPENDING",
                                           "RLIMIT_STACK",
                                           NULL};
static const char *const sched_policies[] = {"SCHED_OTHER",    "SCHED_FIFO", "SCHED_RR",
                                             "SCHED_BATCH",    "SCHED_ISO",  "SCHED_IDLE",
                                             "SCHED_DEADLINE", NULL};
static const char *const sched_flags[] = {"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
                                          "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
                                          "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
                                          "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const ioprio_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                             "IOPRIO_CLASS_IDLE", NULL};

static int parse_console_size(jr *r, yajl_val v, void *item, void *ctx) {
  oci_process *p = item;
  (void)ctx;
  if (jr_u64(r, v, "height", JR_REQUIRED, &p->console_height, NULL) < 0 ||
      jr_u64(r, v, "width", JR_REQUIRED, &p->console_width, NULL) < 0)
    return -1;
  p->has_console_size = true;
  return 0;
}

/* An id the kernel can set: (uid_t)-1 means "leave unchanged" to setresuid
 * and setresgid, so 4294967295 would run the process as root; runc takes
 * 0 to 2147483647. */
static int check_id(jr *r, const char *key, size_t idx, uint32_t id) {
  if (id <= 2147483647U)
    return 0;
  size_t m = jr_push_key(r, key);
  if (idx != (size_t)-1)
    jr_push_index(r, idx);
  jr_fail(r, "%u is not an id the kernel can set (0 to 2147483647)", id);
  jr_pop(r, m);
  return -1;
}

/* uid and gid are REQUIRED in config.md's prose but not in the schema;
 * absent means 0 as in the Go bindings. */
static int parse_user(jr *r, yajl_val v, void *item, void *ctx) {
  oci_user *u = item;
  (void)ctx;
  if (jr_u32(r, v, "uid", JR_OPTIONAL, &u->uid, NULL) < 0 ||
      jr_u32(r, v, "gid", JR_OPTIONAL, &u->gid, NULL) < 0 ||
      jr_u32(r, v, "umask", JR_OPTIONAL, &u->umask, &u->has_umask) < 0 ||
      jr_u32_array(r, v, "additionalGids", &u->additional_gids, &u->n_additional_gids) < 0 ||
      jr_string(r, v, "username", JR_OPTIONAL, &u->username) < 0)
    return -1;
  if (check_id(r, "uid", (size_t)-1, u->uid) < 0 || check_id(r, "gid", (size_t)-1, u->gid) < 0)
    return -1;
  for (size_t i = 0; i < u->n_additional_gids; i++)
    if (check_id(r, "additionalGids", i, u->additional_gids[i]) < 0)
      return -1;
  return 0;
}

/* Capability names are not checked here: config.md wants a name that
 * cannot be mapped or granted warned about, not failed (linux/caps.c warns,
 * naming the field), whatever its spelling; runc 1.1 does the same. */
static int parse_capabilities(jr *r, yajl_val v, void *item, void *ctx) {
  oci_capabilities *c = item;
  (void)ctx;
  if (jr_strings(r, v, "bounding", &c->bounding, &c->n_bounding, &c->has_bounding) < 0 ||
      jr_strings(r, v, "effective", &c->effective, &c->n_effective, &c->has_effective) < 0 ||
      jr_strings(r, v, "inheritable", &c->inheritable, &c->n_inheritable, &c->has_inheritable) <
          0 ||
      jr_strings(r, v, "permitted", &c->permitted, &c->n_permitted, &c->has_permitted) < 0 ||
      jr_strings(r, v, "ambient", &c->ambient, &c->n_ambient, &c->has_ambient) < 0)
    return -1;
  return 0;
}

static int parse_rlimit(jr *r, yajl_val v, void *item, void *ctx) {
  oci_rlimit *rl = item;
  (void)ctx;
  if (jr_string(r, v, "type", JR_REQUIRED, &rl->type) < 0 ||
      jr_check_enum(r, "type", rl->type, rlimit_types, "rlimit type") < 0 ||
      jr_u64(r, v, "soft", JR_REQUIRED, &rl->soft, NULL) < 0 ||
      jr_u64(r, v, "hard", JR_REQUIRED, &rl->hard, NULL) < 0)
    return -1;
  return 0;
}

/* config.md: duplicated rlimit types are an error. */
static int check_rlimits_unique(jr *r, const oci_process *p) {
  uint32_t seen = 0; /* one bit per rlimit_types entry: linear in the array */
  for (size_t i = 0; i < p->n_rlimits; i++) {
    uint32_t bit = 1u << jr_enum_index(p->rlimits[i].type, rlimit_types);
    if (!(seen & bit)) {
      seen |= bit;
      continue;
    }
    size_t mark = jr_push_key(r, "rlimits");
    jr_push_index(r, i);
    int rc = jr_fail_at(r, "type", "rlimit \"%s\" given twice", p->rlimits[i].type);
    jr_pop(r, mark);
    return rc;
  }
  return 0;
}

static int parse_scheduler(jr *r, yajl_val v, void *item, void *ctx) {
  oci_scheduler *s = item;
  (void)ctx;
  if (jr_string(r, v, "policy", JR_REQUIRED, &s->policy) < 0 ||
      jr_check_enum(r, "policy", s->policy, sched_policies, "scheduler policy") < 0 ||
      jr_i32(r, v, "nice", JR_OPTIONAL, &s->nice, &s->has_nice) < 0 ||
      jr_i32(r, v, "priority", JR_OPTIONAL, &s->priority, &s->has_priority) < 0 ||
      jr_strings(r, v, "flags", &s->flags, &s->n_flags, NULL) < 0 ||
      jr_check_enum_list(r, "flags", s->flags, s->n_flags, sched_flags, "scheduler flag") < 0 ||
      jr_u64(r, v, "runtime", JR_OPTIONAL, &s->runtime, &s->has_runtime) < 0 ||
      jr_u64(r, v, "deadline", JR_OPTIONAL, &s->deadline, &s->has_deadline) < 0 ||
      jr_u64(r, v, "period", JR_OPTIONAL, &s->period, &s->has_period) < 0)
    return -1;
  return 0;
}

static int parse_io_priority(jr *r, yajl_val v, void *item, void *ctx) {
  oci_io_priority *io = item;
  (void)ctx;
  if (jr_string(r, v, "class", JR_REQUIRED, &io->class_) < 0 ||
      jr_check_enum(r, "class", io->class_, ioprio_classes, "I/O priority class") < 0 ||
      jr_i32(r, v, "priority", JR_OPTIONAL, &io->priority, NULL) < 0)
    return -1;
  return 0;
}

/* The schema's pattern ^[0-9, -]*$. */
static int check_cpu_list(jr *r, const char *key, const char *s) {
  if (!s || strspn(s, "0123456789, -") == strlen(s))
    return 0;
  return jr_fail_at(r, key, "invalid CPU list \"%s\" (expected e.g. \"0-3,7\")", s);
}

static int parse_exec_cpu_affinity(jr *r, yajl_val v, void *item, void *ctx) {
  oci_process *p = item;
  (void)ctx;
  if (jr_string(r, v, "initial", JR_OPTIONAL, &p->exec_cpu_affinity_initial) < 0 ||
      check_cpu_list(r, "initial", p->exec_cpu_affinity_initial) < 0 ||
      jr_string(r, v, "final", JR_OPTIONAL, &p->exec_cpu_affinity_final) < 0 ||
      check_cpu_list(r, "final", p->exec_cpu_affinity_final) < 0)
    return -1;
  return 0;
}

/* config.md: at least one entry is REQUIRED on non-Windows platforms. */
static int parse_args(jr *r, yajl_val v, oci_process *p) {
  bool has = false;
  if (jr_strings(r, v, "args", &p->args, &p->n_args, &has) < 0)
    return -1;
  if (!has)
    return jr_fail_at(r, "args", "missing required field");
  if (p->n_args == 0)
    return jr_fail_at(r, "args", "must have at least one entry");
  return 0;
}

static int parse_cwd(jr *r, yajl_val v, oci_process *p) {
  if (jr_string(r, v, "cwd", JR_REQUIRED, &p->cwd) < 0 || jr_check_absolute(r, "cwd", p->cwd) < 0)
    return -1;
  return 0;
}

int parse_process_object(jr *r, yajl_val v, oci_process *p) {
  int64_t oom = 0;
  if (jr_expect_object(r, v) < 0 ||
      jr_bool(r, v, "terminal", JR_OPTIONAL, &p->terminal, NULL) < 0 ||
      jr_embedded_object(r, v, "consoleSize", parse_console_size, p, NULL) < 0 ||
      jr_embedded_object(r, v, "user", parse_user, &p->user, NULL) < 0 || parse_args(r, v, p) < 0 ||
      jr_string(r, v, "commandLine", JR_OPTIONAL, &p->command_line) < 0 ||
      jr_strings(r, v, "env", &p->env, &p->n_env, NULL) < 0 || parse_cwd(r, v, p) < 0 ||
      JR_SUB_OBJECT(r, v, "capabilities", parse_capabilities, NULL, p->capabilities) < 0 ||
      JR_OBJECT_ARRAY(r, v, "rlimits", parse_rlimit, NULL, p->rlimits, p->n_rlimits) < 0 ||
      check_rlimits_unique(r, p) < 0 ||
      jr_bool(r, v, "noNewPrivileges", JR_OPTIONAL, &p->no_new_privileges, NULL) < 0 ||
      jr_string(r, v, "apparmorProfile", JR_OPTIONAL, &p->apparmor_profile) < 0 ||
      jr_int(r, v, "oomScoreAdj", JR_OPTIONAL, -1000, 1000, &oom, &p->has_oom_score_adj) < 0 ||
      jr_string(r, v, "selinuxLabel", JR_OPTIONAL, &p->selinux_label) < 0 ||
      JR_SUB_OBJECT(r, v, "scheduler", parse_scheduler, NULL, p->scheduler) < 0 ||
      JR_SUB_OBJECT(r, v, "ioPriority", parse_io_priority, NULL, p->io_priority) < 0 ||
      jr_embedded_object(r, v, "execCPUAffinity", parse_exec_cpu_affinity, p, NULL) < 0)
    return -1;
  p->oom_score_adj = (int)oom;
  return 0;
}

static void capabilities_free(oci_capabilities *c) {
  if (!c)
    return;
  jr_strv_free(c->bounding, c->n_bounding);
  jr_strv_free(c->effective, c->n_effective);
  jr_strv_free(c->inheritable, c->n_inheritable);
  jr_strv_free(c->permitted, c->n_permitted);
  jr_strv_free(c->ambient, c->n_ambient);
  free(c);
}

static void scheduler_free(oci_scheduler *s) {
  if (!s)
    return;
  free(s->policy);
  jr_strv_free(s->flags, s->n_flags);
  free(s);
}

static void io_priority_free(oci_io_priority *io) {
  if (!io)
    return;
  free(io->class_);
  free(io);
}

void process_fields_free(oci_process *p) {
  free(p->user.additional_gids);
  free(p->user.username);
  jr_strv_free(p->args, p->n_args);
  free(p->command_line);
  jr_strv_free(p->env, p->n_env);
  free(p->cwd);
  capabilities_free(p->capabilities);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  scheduler_free(p->scheduler);
  io_priority_free(p->io_priority);
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
}
