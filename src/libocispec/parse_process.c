/* config.md "Process": the process object, shared by config.json and
 * process.json (exec --process). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

static const char *const rlimit_names[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",     "RLIMIT_CPU",    "RLIMIT_DATA",  "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",  "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE",
    "RLIMIT_NPROC",  "RLIMIT_RSS",      "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",  NULL};
static const char *const sched_policies[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                             "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL};
static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const ioprio_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                             "IOPRIO_CLASS_IDLE", NULL};

static int parse_user(jr *r, yajl_val v, oci_user *u) {
  if (jr_object(r, v) < 0 || JR_U32(r, v, "uid", false, &u->uid, NULL) < 0 ||
      JR_U32(r, v, "gid", false, &u->gid, NULL) < 0 ||
      JR_U32(r, v, "umask", false, &u->umask, &u->has_umask) < 0 ||
      jr_str(r, v, "username", false, &u->username) < 0)
    return -1;
  yajl_val g = jr_get(v, "additionalGids");
  if (!g)
    return 0;
  size_t old = jr_push_key(r, "additionalGids");
  if (!YAJL_IS_ARRAY(g)) {
    jr_fail(r, "expected an array of integers, got %s", jr_type_name(g));
    jr_pop(r, old);
    return -1;
  }
  u->additional_gids = calloc(g->u.array.len + 1, sizeof(uint32_t));
  for (size_t i = 0; i < g->u.array.len; i++) {
    /* Read each element through a one-key wrapper to reuse the range checks. */
    size_t o2 = jr_push_index(r, i);
    yajl_val e = g->u.array.values[i];
    const char *raw = YAJL_IS_NUMBER(e) ? e->u.number.r : NULL;
    char *end = NULL;
    unsigned long long x = raw ? strtoull(raw, &end, 10) : 0;
    if (!raw || strpbrk(raw, ".eE") || raw[0] == '-' || *end || x > UINT32_MAX) {
      jr_fail(r, "expected a gid (0 to 4294967295), got %s", raw ? raw : jr_type_name(e));
      jr_pop(r, o2);
      jr_pop(r, old);
      return -1;
    }
    u->additional_gids[i] = (uint32_t)x;
    u->n_additional_gids = i + 1;
    jr_pop(r, o2);
  }
  jr_pop(r, old);
  return 0;
}

static int parse_caps(jr *r, yajl_val v, oci_capabilities *c) {
  if (jr_object(r, v) < 0)
    return -1;
  return jr_strv(r, v, "bounding", &c->bounding, &c->n_bounding, &c->has_bounding) < 0 ||
                 jr_strv(r, v, "effective", &c->effective, &c->n_effective, &c->has_effective) < 0 ||
                 jr_strv(r, v, "inheritable", &c->inheritable, &c->n_inheritable,
                         &c->has_inheritable) < 0 ||
                 jr_strv(r, v, "permitted", &c->permitted, &c->n_permitted, &c->has_permitted) < 0 ||
                 jr_strv(r, v, "ambient", &c->ambient, &c->n_ambient, &c->has_ambient) < 0
             ? -1
             : 0;
}

static int parse_rlimits(jr *r, yajl_val v, oci_process *p) {
  if (!YAJL_IS_ARRAY(v))
    return jr_fail(r, "expected an array, got %s", jr_type_name(v));
  p->rlimits = calloc(v->u.array.len + 1, sizeof *p->rlimits);
  for (size_t i = 0; i < v->u.array.len; i++) {
    yajl_val e = v->u.array.values[i];
    size_t old = jr_push_index(r, i);
    oci_rlimit *rl = &p->rlimits[i];
    p->n_rlimits = i + 1;
    if (jr_object(r, e) < 0 || jr_str(r, e, "type", true, &rl->type) < 0 ||
        jr_u64(r, e, "soft", true, UINT64_MAX, &rl->soft, NULL) < 0 ||
        jr_u64(r, e, "hard", true, UINT64_MAX, &rl->hard, NULL) < 0)
      return -1;
    size_t o2 = jr_push_key(r, "type");
    if (jr_enum(r, rl->type, rlimit_names, "rlimit") < 0)
      return -1;
    for (size_t k = 0; k < i; k++)
      if (strcmp(p->rlimits[k].type, rl->type) == 0)
        return jr_fail(r, "%s given twice", rl->type);
    jr_pop(r, o2);
    jr_pop(r, old);
  }
  return 0;
}

static int parse_scheduler(jr *r, yajl_val v, oci_scheduler *s) {
  int64_t x;
  uint64_t u;
  bool has;
  if (jr_object(r, v) < 0 || jr_str(r, v, "policy", true, &s->policy) < 0)
    return -1;
  size_t old = jr_push_key(r, "policy");
  if (jr_enum(r, s->policy, sched_policies, "scheduler policy") < 0)
    return -1;
  jr_pop(r, old);
  if (jr_i64(r, v, "nice", false, INT32_MIN, INT32_MAX, &x, &has) < 0)
    return -1;
  if ((s->has_nice = has))
    s->nice = (int32_t)x;
  if (jr_i64(r, v, "priority", false, INT32_MIN, INT32_MAX, &x, &has) < 0)
    return -1;
  if ((s->has_priority = has))
    s->priority = (int32_t)x;
  if (jr_strv(r, v, "flags", &s->flags, &s->n_flags, NULL) < 0)
    return -1;
  for (size_t i = 0; i < s->n_flags; i++) {
    size_t o1 = jr_push_key(r, "flags"), o2 = jr_push_index(r, i);
    if (jr_enum(r, s->flags[i], sched_flags, "scheduler flag") < 0)
      return -1;
    jr_pop(r, o2);
    jr_pop(r, o1);
  }
  if (jr_u64(r, v, "runtime", false, UINT64_MAX, &u, &s->has_runtime) < 0)
    return -1;
  s->runtime = u;
  if (jr_u64(r, v, "deadline", false, UINT64_MAX, &u, &s->has_deadline) < 0)
    return -1;
  s->deadline = u;
  if (jr_u64(r, v, "period", false, UINT64_MAX, &u, &s->has_period) < 0)
    return -1;
  s->period = u;
  return 0;
}

static int parse_ioprio(jr *r, yajl_val v, oci_io_priority *io) {
  int64_t x = 0;
  if (jr_object(r, v) < 0 || jr_str(r, v, "class", true, &io->class_) < 0)
    return -1;
  size_t old = jr_push_key(r, "class");
  if (jr_enum(r, io->class_, ioprio_classes, "I/O priority class") < 0)
    return -1;
  jr_pop(r, old);
  if (jr_i64(r, v, "priority", false, INT32_MIN, INT32_MAX, &x, NULL) < 0)
    return -1;
  io->priority = (int32_t)x;
  return 0;
}

static int check_cpu_list(jr *r, const char *s) {
  for (const char *p = s; *p; p++)
    if (!strchr("0123456789, -", *p))
      return jr_fail(r, "invalid CPU list \"%s\"", s);
  return 0;
}

/* Parse a process object at the current path. */
int parse_process_object(jr *r, yajl_val v, oci_process *p) {
  if (jr_object(r, v) < 0)
    return -1;
  if (jr_bool(r, v, "terminal", &p->terminal, NULL) < 0 ||
      jr_strv(r, v, "args", &p->args, &p->n_args, NULL) < 0 ||
      jr_str(r, v, "commandLine", false, &p->command_line) < 0 ||
      jr_strv(r, v, "env", &p->env, &p->n_env, NULL) < 0 ||
      jr_str(r, v, "cwd", true, &p->cwd) < 0 ||
      jr_bool(r, v, "noNewPrivileges", &p->no_new_privileges, NULL) < 0 ||
      jr_str(r, v, "apparmorProfile", false, &p->apparmor_profile) < 0 ||
      jr_str(r, v, "selinuxLabel", false, &p->selinux_label) < 0)
    return -1;
  if (p->cwd[0] != '/') {
    size_t old = jr_push_key(r, "cwd");
    jr_fail(r, "must be an absolute path, got \"%s\"", p->cwd);
    jr_pop(r, old);
    return -1;
  }
  int64_t x;
  if (jr_i64(r, v, "oomScoreAdj", false, -1000, 1000, &x, &p->has_oom_score_adj) < 0)
    return -1;
  p->oom_score_adj = (int)x;
  yajl_val cs = jr_get(v, "consoleSize");
  if (cs) {
    size_t old = jr_push_key(r, "consoleSize");
    if (jr_object(r, cs) < 0 || jr_u64(r, cs, "height", true, UINT64_MAX, &p->console_height, NULL) < 0 ||
        jr_u64(r, cs, "width", true, UINT64_MAX, &p->console_width, NULL) < 0)
      return -1;
    p->has_console_size = true;
    jr_pop(r, old);
  }
  struct {
    const char *key;
    int kind;
  } subs[] = {{"user", 0}, {"capabilities", 1}, {"rlimits", 2}, {"scheduler", 3},
              {"ioPriority", 4}, {"execCPUAffinity", 5}};
  for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
    yajl_val s = jr_get(v, subs[i].key);
    if (!s)
      continue;
    size_t old = jr_push_key(r, subs[i].key);
    int rc = 0;
    switch (subs[i].kind) {
    case 0: rc = parse_user(r, s, &p->user); break;
    case 1:
      p->capabilities = calloc(1, sizeof *p->capabilities);
      rc = parse_caps(r, s, p->capabilities);
      break;
    case 2: rc = parse_rlimits(r, s, p); break;
    case 3:
      p->scheduler = calloc(1, sizeof *p->scheduler);
      rc = parse_scheduler(r, s, p->scheduler);
      break;
    case 4:
      p->io_priority = calloc(1, sizeof *p->io_priority);
      rc = parse_ioprio(r, s, p->io_priority);
      break;
    case 5:
      rc = jr_object(r, s);
      if (rc == 0)
        rc = jr_str(r, s, "initial", false, &p->exec_cpu_affinity_initial);
      if (rc == 0)
        rc = jr_str(r, s, "final", false, &p->exec_cpu_affinity_final);
      if (rc == 0 && p->exec_cpu_affinity_initial) {
        size_t o2 = jr_push_key(r, "initial");
        rc = check_cpu_list(r, p->exec_cpu_affinity_initial);
        jr_pop(r, o2);
      }
      if (rc == 0 && p->exec_cpu_affinity_final) {
        size_t o2 = jr_push_key(r, "final");
        rc = check_cpu_list(r, p->exec_cpu_affinity_final);
        jr_pop(r, o2);
      }
      break;
    }
    if (rc < 0)
      return -1;
    jr_pop(r, old);
  }
  return 0;
}

static void caps_free(oci_capabilities *c) {
  if (!c)
    return;
  jr_strv_free(c->bounding, c->n_bounding);
  jr_strv_free(c->effective, c->n_effective);
  jr_strv_free(c->inheritable, c->n_inheritable);
  jr_strv_free(c->permitted, c->n_permitted);
  jr_strv_free(c->ambient, c->n_ambient);
  free(c);
}

void process_fields_free(oci_process *p) {
  jr_strv_free(p->args, p->n_args);
  free(p->command_line);
  jr_strv_free(p->env, p->n_env);
  free(p->cwd);
  caps_free(p->capabilities);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  if (p->scheduler) {
    free(p->scheduler->policy);
    jr_strv_free(p->scheduler->flags, p->scheduler->n_flags);
    free(p->scheduler);
  }
  if (p->io_priority) {
    free(p->io_priority->class_);
    free(p->io_priority);
  }
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
  free(p->user.additional_gids);
  free(p->user.username);
}
