/* config-linux.md "Control groups": linux.resources, which is also the
 * whole of resources.json for `rt update -r`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

/* ---- devices ------------------------------------------------------------------ */

static int parse_device_rule(jr *r, yajl_val v, void *item, void *ctx) {
  oci_device_cgroup *d = item;
  (void)ctx;
  if (jr_bool(r, v, "allow", JR_REQUIRED, &d->allow, NULL) < 0 ||
      jr_string(r, v, "type", JR_OPTIONAL, &d->type) < 0 ||
      jr_i64(r, v, "major", JR_OPTIONAL, &d->major, &d->has_major) < 0 ||
      jr_i64(r, v, "minor", JR_OPTIONAL, &d->minor, &d->has_minor) < 0 ||
      jr_string(r, v, "access", JR_OPTIONAL, &d->access) < 0)
    return -1;
  /* Unset or "" type means all (a); access is a composition of r, w, m. */
  if (d->type && *d->type && (strlen(d->type) != 1 || !strchr("acb", d->type[0])))
    return jr_fail_at(r, "type", "unknown device type \"%s\" (expected one of a, c, b)", d->type);
  if (d->access && strspn(d->access, "rwm") != strlen(d->access))
    return jr_fail_at(r, "access", "invalid access \"%s\" (expected a combination of r, w, m)",
                      d->access);
  return 0;
}

/* ---- memory, cpu, pids ------------------------------------------------------------ */

static int parse_memory(jr *r, yajl_val v, void *item, void *ctx) {
  oci_memory *m = item;
  (void)ctx;
  if (jr_i64(r, v, "limit", JR_OPTIONAL, &m->limit, &m->has_limit) < 0 ||
      jr_i64(r, v, "reservation", JR_OPTIONAL, &m->reservation, &m->has_reservation) < 0 ||
      jr_i64(r, v, "swap", JR_OPTIONAL, &m->swap, &m->has_swap) < 0 ||
      jr_i64(r, v, "kernel", JR_OPTIONAL, &m->kernel, &m->has_kernel) < 0 ||
      jr_i64(r, v, "kernelTCP", JR_OPTIONAL, &m->kernel_tcp, &m->has_kernel_tcp) < 0 ||
      jr_u64(r, v, "swappiness", JR_OPTIONAL, &m->swappiness, &m->has_swappiness) < 0 ||
      jr_bool(r, v, "disableOOMKiller", JR_OPTIONAL, &m->disable_oom_killer,
              &m->has_disable_oom_killer) < 0 ||
      jr_bool(r, v, "useHierarchy", JR_OPTIONAL, &m->use_hierarchy, &m->has_use_hierarchy) < 0 ||
      jr_bool(r, v, "checkBeforeUpdate", JR_OPTIONAL, &m->check_before_update,
              &m->has_check_before_update) < 0)
    return -1;
  return 0;
}

static int parse_cpu(jr *r, yajl_val v, void *item, void *ctx) {
  oci_cpu *c = item;
  (void)ctx;
  if (jr_u64(r, v, "shares", JR_OPTIONAL, &c->shares, &c->has_shares) < 0 ||
      jr_i64(r, v, "quota", JR_OPTIONAL, &c->quota, &c->has_quota) < 0 ||
      jr_u64(r, v, "burst", JR_OPTIONAL, &c->burst, &c->has_burst) < 0 ||
      jr_u64(r, v, "period", JR_OPTIONAL, &c->period, &c->has_period) < 0 ||
      jr_i64(r, v, "realtimeRuntime", JR_OPTIONAL, &c->realtime_runtime, &c->has_realtime_runtime) <
          0 ||
      jr_u64(r, v, "realtimePeriod", JR_OPTIONAL, &c->realtime_period, &c->has_realtime_period) <
          0 ||
      jr_string(r, v, "cpus", JR_OPTIONAL, &c->cpus) < 0 ||
      jr_string(r, v, "mems", JR_OPTIONAL, &c->mems) < 0 ||
      jr_i64(r, v, "idle", JR_OPTIONAL, &c->idle, &c->has_idle) < 0)
    return -1;
  return 0;
}

static int parse_pids(jr *r, yajl_val v, void *item, void *ctx) {
  oci_resources *res = item;
  (void)ctx;
  if (jr_i64(r, v, "limit", JR_REQUIRED, &res->pids_limit, NULL) < 0)
    return -1;
  res->has_pids = true;
  return 0;
}

/* ---- block I/O ----------------------------------------------------------------------- */

static int parse_weight_device(jr *r, yajl_val v, void *item, void *ctx) {
  oci_blkio_weight_device *d = item;
  (void)ctx;
  if (jr_i64(r, v, "major", JR_REQUIRED, &d->major, NULL) < 0 ||
      jr_i64(r, v, "minor", JR_REQUIRED, &d->minor, NULL) < 0 ||
      jr_u16(r, v, "weight", JR_OPTIONAL, &d->weight, &d->has_weight) < 0 ||
      jr_u16(r, v, "leafWeight", JR_OPTIONAL, &d->leaf_weight, &d->has_leaf_weight) < 0)
    return -1;
  if (!d->has_weight && !d->has_leaf_weight)
    return jr_fail(r, "at least one of weight and leafWeight is required");
  return 0;
}

static int parse_throttle_device(jr *r, yajl_val v, void *item, void *ctx) {
  oci_blkio_throttle_device *d = item;
  (void)ctx;
  if (jr_i64(r, v, "major", JR_REQUIRED, &d->major, NULL) < 0 ||
      jr_i64(r, v, "minor", JR_REQUIRED, &d->minor, NULL) < 0 ||
      jr_u64(r, v, "rate", JR_REQUIRED, &d->rate, NULL) < 0)
    return -1;
  return 0;
}

static int parse_throttle(jr *r, yajl_val v, const char *key, oci_blkio_throttle_device **out,
                          size_t *n) {
  return JR_OBJECT_ARRAY(r, v, key, parse_throttle_device, NULL, *out, *n);
}

static int parse_block_io(jr *r, yajl_val v, void *item, void *ctx) {
  oci_blkio *b = item;
  (void)ctx;
  if (jr_u16(r, v, "weight", JR_OPTIONAL, &b->weight, &b->has_weight) < 0 ||
      jr_u16(r, v, "leafWeight", JR_OPTIONAL, &b->leaf_weight, &b->has_leaf_weight) < 0 ||
      JR_OBJECT_ARRAY(r, v, "weightDevice", parse_weight_device, NULL, b->weight_device,
                      b->n_weight_device) < 0 ||
      parse_throttle(r, v, "throttleReadBpsDevice", &b->throttle_read_bps,
                     &b->n_throttle_read_bps) < 0 ||
      parse_throttle(r, v, "throttleWriteBpsDevice", &b->throttle_write_bps,
                     &b->n_throttle_write_bps) < 0 ||
      parse_throttle(r, v, "throttleReadIOPSDevice", &b->throttle_read_iops,
                     &b->n_throttle_read_iops) < 0 ||
      parse_throttle(r, v, "throttleWriteIOPSDevice", &b->throttle_write_iops,
                     &b->n_throttle_write_iops) < 0)
    return -1;
  return 0;
}

/* ---- hugetlb, network, rdma ------------------------------------------------------------ */

/* The schema's pattern ^[1-9][0-9]*[KMG]B$. */
static bool valid_page_size(const char *s) {
  if (*s < '1' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static int parse_hugepage_limit(jr *r, yajl_val v, void *item, void *ctx) {
  oci_hugepage_limit *h = item;
  (void)ctx;
  if (jr_string(r, v, "pageSize", JR_REQUIRED, &h->page_size) < 0)
    return -1;
  if (!valid_page_size(h->page_size))
    return jr_fail_at(r, "pageSize", "invalid page size \"%s\" (expected e.g. 64KB, 2MB, 1GB)",
                      h->page_size);
  return jr_u64(r, v, "limit", JR_REQUIRED, &h->limit, NULL);
}

static int parse_net_priority(jr *r, yajl_val v, void *item, void *ctx) {
  oci_net_priority *p = item;
  (void)ctx;
  if (jr_string(r, v, "name", JR_REQUIRED, &p->name) < 0 ||
      jr_u32(r, v, "priority", JR_REQUIRED, &p->priority, NULL) < 0)
    return -1;
  return 0;
}

static int parse_network(jr *r, yajl_val v, void *item, void *ctx) {
  oci_network *n = item;
  (void)ctx;
  if (jr_u32(r, v, "classID", JR_OPTIONAL, &n->class_id, &n->has_class_id) < 0 ||
      JR_OBJECT_ARRAY(r, v, "priorities", parse_net_priority, NULL, n->priorities,
                      n->n_priorities) < 0)
    return -1;
  return 0;
}

static int parse_rdma(jr *r, const char *key, yajl_val v, void *item, void *ctx) {
  oci_rdma *d = item;
  (void)ctx;
  d->device = strdup(key);
  if (!d->device)
    return jr_oom(r);
  if (jr_u32(r, v, "hcaHandles", JR_OPTIONAL, &d->hca_handles, &d->has_hca_handles) < 0 ||
      jr_u32(r, v, "hcaObjects", JR_OPTIONAL, &d->hca_objects, &d->has_hca_objects) < 0)
    return -1;
  if (!d->has_hca_handles && !d->has_hca_objects)
    return jr_fail(r, "at least one of hcaHandles and hcaObjects is required");
  return 0;
}

/* ---- the resources object ------------------------------------------------------------------ */

int parse_resources_object(jr *r, yajl_val v, oci_resources *res) {
  if (jr_expect_object(r, v) < 0 ||
      JR_OBJECT_ARRAY(r, v, "devices", parse_device_rule, NULL, res->devices, res->n_devices) < 0 ||
      JR_SUB_OBJECT(r, v, "memory", parse_memory, NULL, res->memory) < 0 ||
      JR_SUB_OBJECT(r, v, "cpu", parse_cpu, NULL, res->cpu) < 0 ||
      jr_embedded_object(r, v, "pids", parse_pids, res, NULL) < 0 ||
      JR_SUB_OBJECT(r, v, "blockIO", parse_block_io, NULL, res->block_io) < 0 ||
      JR_OBJECT_ARRAY(r, v, "hugepageLimits", parse_hugepage_limit, NULL, res->hugepage_limits,
                      res->n_hugepage_limits) < 0 ||
      JR_SUB_OBJECT(r, v, "network", parse_network, NULL, res->network) < 0 ||
      JR_OBJECT_MAP(r, v, "rdma", parse_rdma, NULL, res->rdma, res->n_rdma) < 0 ||
      jr_string_map(r, v, "unified", &res->unified) < 0)
    return -1;
  return 0;
}

static void block_io_free(oci_blkio *b) {
  if (!b)
    return;
  free(b->weight_device);
  free(b->throttle_read_bps);
  free(b->throttle_write_bps);
  free(b->throttle_read_iops);
  free(b->throttle_write_iops);
  free(b);
}

static void network_free(oci_network *n) {
  if (!n)
    return;
  for (size_t i = 0; i < n->n_priorities; i++)
    free(n->priorities[i].name);
  free(n->priorities);
  free(n);
}

void resources_fields_free(oci_resources *res) {
  for (size_t i = 0; i < res->n_devices; i++) {
    free(res->devices[i].type);
    free(res->devices[i].access);
  }
  free(res->devices);
  free(res->memory);
  if (res->cpu) {
    free(res->cpu->cpus);
    free(res->cpu->mems);
    free(res->cpu);
  }
  block_io_free(res->block_io);
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    free(res->hugepage_limits[i].page_size);
  free(res->hugepage_limits);
  network_free(res->network);
  for (size_t i = 0; i < res->n_rdma; i++)
    free(res->rdma[i].device);
  free(res->rdma);
  jr_map_free(&res->unified);
}

void oci_resources_free(oci_resources *r) {
  if (!r)
    return;
  resources_fields_free(r);
  free(r);
}
