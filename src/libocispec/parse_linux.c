/* config-linux.md: the linux object. Resources live in parse_resources.c,
 * seccomp in parse_seccomp.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

/* uidMappings / gidMappings, of .linux and of a mount (parse_config.c). */
static int parse_id_mapping(jr *r, yajl_val v, void *item, void *ctx) {
  oci_id_mapping *m = item;
  (void)ctx;
  if (jr_u32(r, v, "containerID", JR_REQUIRED, &m->container_id, NULL) < 0 ||
      jr_u32(r, v, "hostID", JR_REQUIRED, &m->host_id, NULL) < 0 ||
      jr_u32(r, v, "size", JR_REQUIRED, &m->size, NULL) < 0)
    return -1;
  return 0;
}

int parse_id_mappings(jr *r, yajl_val obj, const char *key, oci_id_mapping **out, size_t *n) {
  return JR_OBJECT_ARRAY(r, obj, key, parse_id_mapping, NULL, *out, *n);
}

static const char *const namespace_types[] = {"mount", "pid",    "network", "uts", "ipc",
                                              "user",  "cgroup", "time",    NULL};
/* The schema lists the four modes; the recursive forms are what runc and
 * crun accept too. */
static const char *const propagations[] = {"private",    "rprivate",    "slave",
                                           "rslave",     "shared",      "rshared",
                                           "unbindable", "runbindable", NULL};
static const char *const device_types[] = {"c", "b", "u", "p", NULL};
static const char *const mpol_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL};
static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                         "MPOL_F_STATIC_NODES", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};

/* ---- namespaces --------------------------------------------------------------- */

static int parse_namespace(jr *r, yajl_val v, void *item, void *ctx) {
  oci_namespace *ns = item;
  (void)ctx;
  if (jr_string(r, v, "type", JR_REQUIRED, &ns->type) < 0 ||
      jr_check_enum(r, "type", ns->type, namespace_types, "namespace type") < 0 ||
      jr_string(r, v, "path", JR_OPTIONAL, &ns->path) < 0)
    return -1;
  if (ns->path && !*ns->path) {
    /* The Go bindings write "" for "no path": create a new namespace. */
    free(ns->path);
    ns->path = NULL;
  }
  return ns->path ? jr_check_absolute(r, "path", ns->path) : 0;
}

/* config-linux.md: a namespace type given twice is an error. */
static int check_namespaces_unique(jr *r, const oci_linux *l) {
  uint32_t seen = 0; /* one bit per namespace_types entry: linear in the array */
  for (size_t i = 0; i < l->n_namespaces; i++) {
    uint32_t bit = 1u << jr_enum_index(l->namespaces[i].type, namespace_types);
    if (!(seen & bit)) {
      seen |= bit;
      continue;
    }
    size_t mark = jr_push_key(r, "namespaces");
    jr_push_index(r, i);
    int rc = jr_fail_at(r, "type", "namespace \"%s\" given twice", l->namespaces[i].type);
    jr_pop(r, mark);
    return rc;
  }
  return 0;
}

static int parse_namespaces(jr *r, yajl_val v, oci_linux *l) {
  if (JR_OBJECT_ARRAY(r, v, "namespaces", parse_namespace, NULL, l->namespaces, l->n_namespaces) <
      0)
    return -1;
  return check_namespaces_unique(r, l);
}

/* ---- time offsets ---------------------------------------------------------------- */

static int parse_time_offset(jr *r, yajl_val v, void *item, void *ctx) {
  oci_time_offset *t = item;
  (void)ctx;
  if (jr_i64(r, v, "secs", JR_OPTIONAL, &t->secs, NULL) < 0 ||
      jr_u32(r, v, "nanosecs", JR_OPTIONAL, &t->nanosecs, NULL) < 0)
    return -1;
  t->present = true;
  return 0;
}

/* Clocks other than these two are not in the spec and are ignored. */
static int parse_time_offsets(jr *r, yajl_val v, void *item, void *ctx) {
  oci_linux *l = item;
  (void)ctx;
  if (jr_embedded_object(r, v, "boottime", parse_time_offset, &l->time_boottime, NULL) < 0 ||
      jr_embedded_object(r, v, "monotonic", parse_time_offset, &l->time_monotonic, NULL) < 0)
    return -1;
  return 0;
}

/* ---- devices -------------------------------------------------------------------- */

static int parse_device(jr *r, yajl_val v, void *item, void *ctx) {
  oci_device *d = item;
  (void)ctx;
  if (jr_string(r, v, "type", JR_REQUIRED, &d->type) < 0 ||
      jr_check_enum(r, "type", d->type, device_types, "device type") < 0 ||
      jr_string(r, v, "path", JR_REQUIRED, &d->path) < 0)
    return -1;
  /* major and minor are REQUIRED unless the type is p (a FIFO). */
  jr_need numbers = strcmp(d->type, "p") == 0 ? JR_OPTIONAL : JR_REQUIRED;
  if (jr_i64(r, v, "major", numbers, &d->major, &d->has_major) < 0 ||
      jr_i64(r, v, "minor", numbers, &d->minor, &d->has_minor) < 0)
    return -1;
  /* fileMode may carry the file type bits too: podman writes st_mode as it
   * is (0020666 for a character device). As runc does, the type bits are
   * dropped (the type comes from "type") and the permission bits kept. */
  uint64_t mode = 0;
  if (jr_uint(r, v, "fileMode", JR_OPTIONAL, 0, S_IFMT | 07777, &mode, &d->has_file_mode) < 0 ||
      jr_u32(r, v, "uid", JR_OPTIONAL, &d->uid, &d->has_uid) < 0 ||
      jr_u32(r, v, "gid", JR_OPTIONAL, &d->gid, &d->has_gid) < 0)
    return -1;
  d->file_mode = (uint32_t)(mode & 07777);
  return 0;
}

static int parse_net_device(jr *r, const char *key, yajl_val v, void *item, void *ctx) {
  oci_net_device *d = item;
  (void)ctx;
  d->host_name = strdup(key);
  if (!d->host_name)
    return jr_oom(r);
  return jr_string(r, v, "name", JR_OPTIONAL, &d->name);
}

/* ---- small objects ---------------------------------------------------------------- */

static int check_no_newline(jr *r, const char *key, const char *s) {
  if (!s || !strchr(s, '\n'))
    return 0;
  return jr_fail_at(r, key, "must not contain a newline");
}

static int parse_intel_rdt(jr *r, yajl_val v, void *item, void *ctx) {
  oci_intel_rdt *rdt = item;
  (void)ctx;
  if (jr_string(r, v, "closID", JR_OPTIONAL, &rdt->clos_id) < 0 ||
      jr_strings(r, v, "schemata", &rdt->schemata, &rdt->n_schemata, NULL) < 0 ||
      jr_string(r, v, "l3CacheSchema", JR_OPTIONAL, &rdt->l3_cache_schema) < 0 ||
      jr_string(r, v, "memBwSchema", JR_OPTIONAL, &rdt->mem_bw_schema) < 0 ||
      jr_bool(r, v, "enableMonitoring", JR_OPTIONAL, &rdt->enable_monitoring, NULL) < 0)
    return -1;
  for (size_t i = 0; i < rdt->n_schemata; i++)
    if (strchr(rdt->schemata[i], '\n')) {
      size_t mark = jr_push_key(r, "schemata");
      jr_push_index(r, i);
      int rc = jr_fail(r, "must not contain a newline");
      jr_pop(r, mark);
      return rc;
    }
  if (rdt->mem_bw_schema && strncmp(rdt->mem_bw_schema, "MB:", 3) != 0)
    return jr_fail_at(r, "memBwSchema", "must start with \"MB:\", got \"%s\"", rdt->mem_bw_schema);
  return check_no_newline(r, "memBwSchema", rdt->mem_bw_schema);
}

static int parse_memory_policy(jr *r, yajl_val v, void *item, void *ctx) {
  oci_memory_policy *m = item;
  (void)ctx;
  if (jr_string(r, v, "mode", JR_REQUIRED, &m->mode) < 0 ||
      jr_check_enum(r, "mode", m->mode, mpol_modes, "memory policy mode") < 0 ||
      jr_string(r, v, "nodes", JR_OPTIONAL, &m->nodes) < 0 ||
      jr_strings(r, v, "flags", &m->flags, &m->n_flags, NULL) < 0 ||
      jr_check_enum_list(r, "flags", m->flags, m->n_flags, mpol_flags, "memory policy flag") < 0)
    return -1;
  return 0;
}

/* Flags are checked where they are applied (linux/process.c). */
static int parse_personality(jr *r, yajl_val v, void *item, void *ctx) {
  oci_personality *p = item;
  (void)ctx;
  if (jr_string(r, v, "domain", JR_REQUIRED, &p->domain) < 0 ||
      jr_check_enum(r, "domain", p->domain, personality_domains, "personality domain") < 0 ||
      jr_strings(r, v, "flags", &p->flags, &p->n_flags, NULL) < 0)
    return -1;
  return 0;
}

/* ---- paths ---------------------------------------------------------------------------- */

static int check_absolute_list(jr *r, const char *key, char *const *paths, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (paths[i][0] == '/')
      continue;
    size_t mark = jr_push_key(r, key);
    jr_push_index(r, i);
    int rc = jr_check_absolute(r, NULL, paths[i]);
    jr_pop(r, mark);
    return rc;
  }
  return 0;
}

static int parse_paths(jr *r, yajl_val v, oci_linux *l) {
  if (jr_strings(r, v, "maskedPaths", &l->masked_paths, &l->n_masked_paths, &l->has_masked_paths) <
          0 ||
      check_absolute_list(r, "maskedPaths", l->masked_paths, l->n_masked_paths) < 0 ||
      jr_strings(r, v, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths,
                 &l->has_readonly_paths) < 0 ||
      check_absolute_list(r, "readonlyPaths", l->readonly_paths, l->n_readonly_paths) < 0)
    return -1;
  return 0;
}

static int parse_propagation(jr *r, yajl_val v, oci_linux *l) {
  if (jr_string(r, v, "rootfsPropagation", JR_OPTIONAL, &l->rootfs_propagation) < 0)
    return -1;
  if (l->rootfs_propagation && !*l->rootfs_propagation) {
    /* "" is the Go bindings' "unset". */
    free(l->rootfs_propagation);
    l->rootfs_propagation = NULL;
  }
  if (!l->rootfs_propagation)
    return 0;
  return jr_check_enum(r, "rootfsPropagation", l->rootfs_propagation, propagations,
                       "rootfs propagation");
}

/* ---- the linux object ------------------------------------------------------------------ */

static int parse_resources_item(jr *r, yajl_val v, void *item, void *ctx) {
  (void)ctx;
  return parse_resources_object(r, v, item);
}

int parse_linux_object(jr *r, yajl_val v, void *linux_, void *ctx) {
  oci_linux *l = linux_;
  (void)ctx;
  if (parse_namespaces(r, v, l) < 0 ||
      parse_id_mappings(r, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
      parse_id_mappings(r, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
      jr_embedded_object(r, v, "timeOffsets", parse_time_offsets, l, NULL) < 0 ||
      JR_OBJECT_ARRAY(r, v, "devices", parse_device, NULL, l->devices, l->n_devices) < 0 ||
      JR_OBJECT_MAP(r, v, "netDevices", parse_net_device, NULL, l->net_devices, l->n_net_devices) <
          0 ||
      jr_string(r, v, "cgroupsPath", JR_OPTIONAL, &l->cgroups_path) < 0 ||
      JR_SUB_OBJECT(r, v, "resources", parse_resources_item, NULL, l->resources) < 0 ||
      parse_propagation(r, v, l) < 0 ||
      JR_SUB_OBJECT(r, v, "seccomp", parse_seccomp_object, NULL, l->seccomp) < 0 ||
      jr_string_map(r, v, "sysctl", &l->sysctl) < 0 || parse_paths(r, v, l) < 0 ||
      jr_string(r, v, "mountLabel", JR_OPTIONAL, &l->mount_label) < 0 ||
      JR_SUB_OBJECT(r, v, "intelRdt", parse_intel_rdt, NULL, l->intel_rdt) < 0 ||
      JR_SUB_OBJECT(r, v, "memoryPolicy", parse_memory_policy, NULL, l->memory_policy) < 0 ||
      JR_SUB_OBJECT(r, v, "personality", parse_personality, NULL, l->personality) < 0)
    return -1;
  return 0;
}

static void intel_rdt_free(oci_intel_rdt *rdt) {
  if (!rdt)
    return;
  free(rdt->clos_id);
  jr_strv_free(rdt->schemata, rdt->n_schemata);
  free(rdt->l3_cache_schema);
  free(rdt->mem_bw_schema);
  free(rdt);
}

static void memory_policy_free(oci_memory_policy *m) {
  if (!m)
    return;
  free(m->mode);
  free(m->nodes);
  jr_strv_free(m->flags, m->n_flags);
  free(m);
}

static void personality_free(oci_personality *p) {
  if (!p)
    return;
  free(p->domain);
  jr_strv_free(p->flags, p->n_flags);
  free(p);
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
  oci_resources_free(l->resources);
  free(l->rootfs_propagation);
  seccomp_free(l->seccomp);
  jr_map_free(&l->sysctl);
  jr_strv_free(l->masked_paths, l->n_masked_paths);
  jr_strv_free(l->readonly_paths, l->n_readonly_paths);
  free(l->mount_label);
  intel_rdt_free(l->intel_rdt);
  memory_policy_free(l->memory_policy);
  personality_free(l->personality);
  free(l);
}
