/* config-linux.md: the linux object (resources live in parse_resources.c). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

static const char *const ns_types[] = {"mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time", NULL};
static const char *const propagations[] = {"private", "rprivate", "slave", "rslave", "shared",
                                           "rshared", "unbindable", "runbindable", NULL};
static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",        "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY", NULL};
static const char *const seccomp_ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                          "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL};
static const char *const seccomp_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                            "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static const char *const seccomp_archs[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",        "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",     "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",     "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",   "SCMP_ARCH_PPC64",      "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",     "SCMP_ARCH_SH",         "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",    NULL};
static const char *const mpol_modes[] = {"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
                                         "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                                         "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL};
static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                         "MPOL_F_STATIC_NODES", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};
static const char *const device_types[] = {"c", "b", "u", "p", NULL};

/* Each element of an array member, with the path pushed. */
#define FOR_EACH_ELEM(r, obj, key, e, i, body)                                        \
  do {                                                                                \
    yajl_val arr_ = jr_get(obj, key);                                                 \
    if (!arr_)                                                                        \
      break;                                                                          \
    size_t o1_ = jr_push_key(r, key);                                                 \
    if (!YAJL_IS_ARRAY(arr_))                                                         \
      return jr_fail(r, "expected an array, got %s", jr_type_name(arr_));             \
    for (size_t i = 0; i < arr_->u.array.len; i++) {                                  \
      yajl_val e = arr_->u.array.values[i];                                           \
      size_t o2_ = jr_push_index(r, i);                                               \
      if (jr_object(r, e) < 0)                                                        \
        return -1;                                                                    \
      body;                                                                           \
      jr_pop(r, o2_);                                                                 \
    }                                                                                 \
    jr_pop(r, o1_);                                                                   \
  } while (0)

static int enum_at(jr *r, const char *key, const char *value, const char *const *allowed,
                   const char *what) {
  size_t old = jr_push_key(r, key);
  int rc = jr_enum(r, value, allowed, what);
  jr_pop(r, old);
  return rc;
}

static int parse_namespaces(jr *r, yajl_val v, oci_linux *l) {
  yajl_val arr = jr_get(v, "namespaces");
  if (arr && YAJL_IS_ARRAY(arr))
    l->namespaces = calloc(arr->u.array.len + 1, sizeof *l->namespaces);
  FOR_EACH_ELEM(r, v, "namespaces", e, i, {
    oci_namespace *ns = &l->namespaces[i];
    l->n_namespaces = i + 1;
    if (jr_str(r, e, "type", true, &ns->type) < 0 || jr_str(r, e, "path", false, &ns->path) < 0 ||
        enum_at(r, "type", ns->type, ns_types, "namespace type") < 0)
      return -1;
    for (size_t k = 0; k < i; k++)
      if (strcmp(l->namespaces[k].type, ns->type) == 0) {
        size_t o = jr_push_key(r, "type");
        return jr_fail(r, "namespace \"%s\" given twice", ns->type);
        jr_pop(r, o);
      }
  });
  return 0;
}

static int parse_time_offset(jr *r, yajl_val obj, const char *key, oci_time_offset *t) {
  yajl_val v = jr_get(obj, key);
  if (!v)
    return 0;
  size_t old = jr_push_key(r, key);
  uint64_t ns = 0;
  if (jr_object(r, v) < 0 || jr_i64(r, v, "secs", false, INT64_MIN, INT64_MAX, &t->secs, NULL) < 0 ||
      jr_u64(r, v, "nanosecs", false, UINT32_MAX, &ns, NULL) < 0)
    return -1;
  t->nanosecs = (uint32_t)ns;
  t->present = true;
  jr_pop(r, old);
  return 0;
}

static int parse_devices(jr *r, yajl_val v, oci_linux *l) {
  yajl_val arr = jr_get(v, "devices");
  if (arr && YAJL_IS_ARRAY(arr))
    l->devices = calloc(arr->u.array.len + 1, sizeof *l->devices);
  FOR_EACH_ELEM(r, v, "devices", e, i, {
    oci_device *d = &l->devices[i];
    l->n_devices = i + 1;
    uint64_t mode = 0;
    if (jr_str(r, e, "type", true, &d->type) < 0 || jr_str(r, e, "path", true, &d->path) < 0 ||
        enum_at(r, "type", d->type, device_types, "device type") < 0 ||
        jr_i64(r, e, "major", false, INT64_MIN, INT64_MAX, &d->major, &d->has_major) < 0 ||
        jr_i64(r, e, "minor", false, INT64_MIN, INT64_MAX, &d->minor, &d->has_minor) < 0 ||
        jr_u64(r, e, "fileMode", false, 0777, &mode, &d->has_file_mode) < 0 ||
        JR_U32(r, e, "uid", false, &d->uid, &d->has_uid) < 0 ||
        JR_U32(r, e, "gid", false, &d->gid, &d->has_gid) < 0)
      return -1;
    d->file_mode = (uint32_t)mode;
  });
  return 0;
}

static int parse_net_devices(jr *r, yajl_val v, oci_linux *l) {
  yajl_val m = jr_get(v, "netDevices");
  if (!m)
    return 0;
  size_t old = jr_push_key(r, "netDevices");
  if (jr_object(r, m) < 0)
    return -1;
  l->net_devices = calloc(m->u.object.len + 1, sizeof *l->net_devices);
  for (size_t i = 0; i < m->u.object.len; i++) {
    oci_net_device *d = &l->net_devices[i];
    l->n_net_devices = i + 1;
    d->host_name = strdup(m->u.object.keys[i]);
    size_t o2 = jr_push_key(r, m->u.object.keys[i]);
    yajl_val e = m->u.object.values[i];
    if (jr_object(r, e) < 0 || jr_str(r, e, "name", false, &d->name) < 0)
      return -1;
    jr_pop(r, o2);
  }
  jr_pop(r, old);
  return 0;
}

static int parse_seccomp(jr *r, yajl_val v, oci_seccomp *s) {
  if (jr_object(r, v) < 0 || jr_str(r, v, "defaultAction", true, &s->default_action) < 0 ||
      enum_at(r, "defaultAction", s->default_action, seccomp_actions, "action") < 0 ||
      JR_U32(r, v, "defaultErrnoRet", false, &s->default_errno_ret, &s->has_default_errno_ret) < 0 ||
      jr_strv(r, v, "architectures", &s->architectures, &s->n_architectures, NULL) < 0 ||
      jr_strv(r, v, "flags", &s->flags, &s->n_flags, NULL) < 0 ||
      jr_str(r, v, "listenerPath", false, &s->listener_path) < 0 ||
      jr_str(r, v, "listenerMetadata", false, &s->listener_metadata) < 0)
    return -1;
  for (size_t i = 0; i < s->n_architectures; i++) {
    size_t o1 = jr_push_key(r, "architectures"), o2 = jr_push_index(r, i);
    if (jr_enum(r, s->architectures[i], seccomp_archs, "architecture") < 0)
      return -1;
    jr_pop(r, o2);
    jr_pop(r, o1);
  }
  for (size_t i = 0; i < s->n_flags; i++) {
    size_t o1 = jr_push_key(r, "flags"), o2 = jr_push_index(r, i);
    if (jr_enum(r, s->flags[i], seccomp_flags, "seccomp flag") < 0)
      return -1;
    jr_pop(r, o2);
    jr_pop(r, o1);
  }
  yajl_val arr = jr_get(v, "syscalls");
  if (arr && YAJL_IS_ARRAY(arr))
    s->syscalls = calloc(arr->u.array.len + 1, sizeof *s->syscalls);
  FOR_EACH_ELEM(r, v, "syscalls", e, i, {
    oci_seccomp_syscall *sc = &s->syscalls[i];
    s->n_syscalls = i + 1;
    bool has_names = false;
    if (jr_strv(r, e, "names", &sc->names, &sc->n_names, &has_names) < 0 ||
        jr_str(r, e, "action", true, &sc->action) < 0 ||
        enum_at(r, "action", sc->action, seccomp_actions, "action") < 0 ||
        JR_U32(r, e, "errnoRet", false, &sc->errno_ret, &sc->has_errno_ret) < 0)
      return -1;
    if (!has_names || sc->n_names == 0) {
      size_t o = jr_push_key(r, "names");
      return jr_fail(r, has_names ? "must name at least one syscall" : "missing required field");
      jr_pop(r, o);
    }
    yajl_val args = jr_get(e, "args");
    if (args && YAJL_IS_ARRAY(args))
      sc->args = calloc(args->u.array.len + 1, sizeof *sc->args);
    FOR_EACH_ELEM(r, e, "args", a, k, {
      oci_seccomp_arg *ar = &sc->args[k];
      sc->n_args = k + 1;
      if (JR_U32(r, a, "index", true, &ar->index, NULL) < 0 ||
          jr_u64(r, a, "value", true, UINT64_MAX, &ar->value, NULL) < 0 ||
          jr_u64(r, a, "valueTwo", false, UINT64_MAX, &ar->value_two, NULL) < 0 ||
          jr_str(r, a, "op", true, &ar->op) < 0 ||
          enum_at(r, "op", ar->op, seccomp_ops, "operator") < 0)
        return -1;
    });
  });
  return 0;
}

static int parse_small_objects(jr *r, yajl_val v, oci_linux *l) {
  yajl_val x;
  if ((x = jr_get(v, "intelRdt"))) {
    size_t old = jr_push_key(r, "intelRdt");
    oci_intel_rdt *i = l->intel_rdt = calloc(1, sizeof *i);
    if (jr_object(r, x) < 0 || jr_str(r, x, "closID", false, &i->clos_id) < 0 ||
        jr_strv(r, x, "schemata", &i->schemata, &i->n_schemata, NULL) < 0 ||
        jr_str(r, x, "l3CacheSchema", false, &i->l3_cache_schema) < 0 ||
        jr_str(r, x, "memBwSchema", false, &i->mem_bw_schema) < 0 ||
        jr_bool(r, x, "enableMonitoring", &i->enable_monitoring, NULL) < 0)
      return -1;
    if (i->mem_bw_schema && strncmp(i->mem_bw_schema, "MB:", 3) != 0) {
      jr_push_key(r, "memBwSchema");
      return jr_fail(r, "must start with \"MB:\"");
    }
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "memoryPolicy"))) {
    size_t old = jr_push_key(r, "memoryPolicy");
    oci_memory_policy *m = l->memory_policy = calloc(1, sizeof *m);
    if (jr_object(r, x) < 0 || jr_str(r, x, "mode", true, &m->mode) < 0 ||
        enum_at(r, "mode", m->mode, mpol_modes, "memory policy mode") < 0 ||
        jr_str(r, x, "nodes", false, &m->nodes) < 0 ||
        jr_strv(r, x, "flags", &m->flags, &m->n_flags, NULL) < 0)
      return -1;
    for (size_t i = 0; i < m->n_flags; i++) {
      size_t o1 = jr_push_key(r, "flags"), o2 = jr_push_index(r, i);
      if (jr_enum(r, m->flags[i], mpol_flags, "memory policy flag") < 0)
        return -1;
      jr_pop(r, o2);
      jr_pop(r, o1);
    }
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "personality"))) {
    size_t old = jr_push_key(r, "personality");
    oci_personality *p = l->personality = calloc(1, sizeof *p);
    if (jr_object(r, x) < 0 || jr_str(r, x, "domain", false, &p->domain) < 0 ||
        (p->domain && enum_at(r, "domain", p->domain, personality_domains, "personality domain") < 0) ||
        jr_strv(r, x, "flags", &p->flags, &p->n_flags, NULL) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "timeOffsets"))) {
    size_t old = jr_push_key(r, "timeOffsets");
    if (jr_object(r, x) < 0 || parse_time_offset(r, x, "boottime", &l->time_boottime) < 0 ||
        parse_time_offset(r, x, "monotonic", &l->time_monotonic) < 0)
      return -1;
    jr_pop(r, old);
  }
  return 0;
}

int parse_linux_object(jr *r, yajl_val v, oci_linux *l) {
  if (jr_object(r, v) < 0 || parse_namespaces(r, v, l) < 0 ||
      jr_idmaps(r, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
      jr_idmaps(r, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
      parse_devices(r, v, l) < 0 || parse_net_devices(r, v, l) < 0 ||
      jr_str(r, v, "cgroupsPath", false, &l->cgroups_path) < 0 ||
      jr_str(r, v, "rootfsPropagation", false, &l->rootfs_propagation) < 0 ||
      jr_map(r, v, "sysctl", &l->sysctl) < 0 ||
      jr_strv(r, v, "maskedPaths", &l->masked_paths, &l->n_masked_paths, &l->has_masked_paths) < 0 ||
      jr_strv(r, v, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths,
              &l->has_readonly_paths) < 0 ||
      jr_str(r, v, "mountLabel", false, &l->mount_label) < 0 || parse_small_objects(r, v, l) < 0)
    return -1;
  if (l->rootfs_propagation && *l->rootfs_propagation &&
      enum_at(r, "rootfsPropagation", l->rootfs_propagation, propagations, "propagation") < 0)
    return -1;
  yajl_val x;
  if ((x = jr_get(v, "resources"))) {
    size_t old = jr_push_key(r, "resources");
    l->resources = calloc(1, sizeof *l->resources);
    if (parse_resources_object(r, x, l->resources) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "seccomp"))) {
    size_t old = jr_push_key(r, "seccomp");
    l->seccomp = calloc(1, sizeof *l->seccomp);
    if (parse_seccomp(r, x, l->seccomp) < 0)
      return -1;
    jr_pop(r, old);
  }
  return 0;
}

static void seccomp_free(oci_seccomp *s) {
  if (!s)
    return;
  free(s->default_action);
  jr_strv_free(s->architectures, s->n_architectures);
  jr_strv_free(s->flags, s->n_flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    jr_strv_free(s->syscalls[i].names, s->syscalls[i].n_names);
    free(s->syscalls[i].action);
    for (size_t k = 0; k < s->syscalls[i].n_args; k++)
      free(s->syscalls[i].args[k].op);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
  free(s);
}

void linux_free(oci_linux *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->n_namespaces; i++) {
    free(l->namespaces[i].type);
    free(l->namespaces[i].path);
  }
  free(l->namespaces);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++) {
    free(l->devices[i].type);
    free(l->devices[i].path);
  }
  free(l->devices);
  for (size_t i = 0; i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
  free(l->cgroups_path);
  if (l->resources) {
    resources_fields_free(l->resources);
    free(l->resources);
  }
  free(l->rootfs_propagation);
  seccomp_free(l->seccomp);
  jr_map_free(&l->sysctl);
  jr_strv_free(l->masked_paths, l->n_masked_paths);
  jr_strv_free(l->readonly_paths, l->n_readonly_paths);
  free(l->mount_label);
  if (l->intel_rdt) {
    free(l->intel_rdt->clos_id);
    jr_strv_free(l->intel_rdt->schemata, l->intel_rdt->n_schemata);
    free(l->intel_rdt->l3_cache_schema);
    free(l->intel_rdt->mem_bw_schema);
    free(l->intel_rdt);
  }
  if (l->memory_policy) {
    free(l->memory_policy->mode);
    free(l->memory_policy->nodes);
    jr_strv_free(l->memory_policy->flags, l->memory_policy->n_flags);
    free(l->memory_policy);
  }
  if (l->personality) {
    free(l->personality->domain);
    jr_strv_free(l->personality->flags, l->personality->n_flags);
    free(l->personality);
  }
  free(l);
}
