/* config-linux.md "Control groups": linux.resources, also resources.json of
 * `rt update -r`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

static int sub(jr *r, yajl_val v, const char *key, yajl_val *out, size_t *old) {
  *out = jr_get(v, key);
  if (!*out)
    return 0;
  *old = jr_push_key(r, key);
  if (jr_object(r, *out) < 0)
    return -1;
  return 1;
}

static int parse_memory(jr *r, yajl_val m, oci_memory *mem) {
  uint64_t sw = 0;
  if (jr_i64(r, m, "limit", false, INT64_MIN, INT64_MAX, &mem->limit, &mem->has_limit) < 0 ||
      jr_i64(r, m, "reservation", false, INT64_MIN, INT64_MAX, &mem->reservation, &mem->has_reservation) < 0 ||
      jr_i64(r, m, "swap", false, INT64_MIN, INT64_MAX, &mem->swap, &mem->has_swap) < 0 ||
      jr_i64(r, m, "kernel", false, INT64_MIN, INT64_MAX, &mem->kernel, &mem->has_kernel) < 0 ||
      jr_i64(r, m, "kernelTCP", false, INT64_MIN, INT64_MAX, &mem->kernel_tcp, &mem->has_kernel_tcp) < 0 ||
      jr_u64(r, m, "swappiness", false, UINT64_MAX, &sw, &mem->has_swappiness) < 0 ||
      jr_bool(r, m, "disableOOMKiller", &mem->disable_oom_killer, &mem->has_disable_oom_killer) < 0 ||
      jr_bool(r, m, "useHierarchy", &mem->use_hierarchy, &mem->has_use_hierarchy) < 0 ||
      jr_bool(r, m, "checkBeforeUpdate", &mem->check_before_update, &mem->has_check_before_update) < 0)
    return -1;
  mem->swappiness = sw;
  return 0;
}

static int parse_cpu(jr *r, yajl_val c, oci_cpu *cpu) {
  return jr_u64(r, c, "shares", false, UINT64_MAX, &cpu->shares, &cpu->has_shares) < 0 ||
                 jr_i64(r, c, "quota", false, INT64_MIN, INT64_MAX, &cpu->quota, &cpu->has_quota) < 0 ||
                 jr_u64(r, c, "burst", false, UINT64_MAX, &cpu->burst, &cpu->has_burst) < 0 ||
                 jr_u64(r, c, "period", false, UINT64_MAX, &cpu->period, &cpu->has_period) < 0 ||
                 jr_i64(r, c, "realtimeRuntime", false, INT64_MIN, INT64_MAX, &cpu->realtime_runtime,
                        &cpu->has_realtime_runtime) < 0 ||
                 jr_u64(r, c, "realtimePeriod", false, UINT64_MAX, &cpu->realtime_period,
                        &cpu->has_realtime_period) < 0 ||
                 jr_str(r, c, "cpus", false, &cpu->cpus) < 0 ||
                 jr_str(r, c, "mems", false, &cpu->mems) < 0 ||
                 jr_i64(r, c, "idle", false, INT64_MIN, INT64_MAX, &cpu->idle, &cpu->has_idle) < 0
             ? -1
             : 0;
}

static int parse_throttle(jr *r, yajl_val b, const char *key, oci_blkio_throttle_device **out,
                          size_t *n) {
  yajl_val arr = jr_get(b, key);
  if (!arr)
    return 0;
  size_t old = jr_push_key(r, key);
  if (!YAJL_IS_ARRAY(arr))
    return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
  *out = calloc(arr->u.array.len + 1, sizeof **out);
  for (size_t i = 0; i < arr->u.array.len; i++) {
    yajl_val e = arr->u.array.values[i];
    size_t o2 = jr_push_index(r, i);
    oci_blkio_throttle_device *d = &(*out)[i];
    *n = i + 1;
    if (jr_object(r, e) < 0 || jr_i64(r, e, "major", true, INT64_MIN, INT64_MAX, &d->major, NULL) < 0 ||
        jr_i64(r, e, "minor", true, INT64_MIN, INT64_MAX, &d->minor, NULL) < 0 ||
        jr_u64(r, e, "rate", false, UINT64_MAX, &d->rate, NULL) < 0)
      return -1;
    jr_pop(r, o2);
  }
  jr_pop(r, old);
  return 0;
}

static int parse_blkio(jr *r, yajl_val b, oci_blkio *io) {
  uint64_t w;
  if (jr_u64(r, b, "weight", false, UINT16_MAX, &w, &io->has_weight) < 0)
    return -1;
  io->weight = (uint16_t)w;
  if (jr_u64(r, b, "leafWeight", false, UINT16_MAX, &w, &io->has_leaf_weight) < 0)
    return -1;
  io->leaf_weight = (uint16_t)w;
  yajl_val arr = jr_get(b, "weightDevice");
  if (arr) {
    size_t old = jr_push_key(r, "weightDevice");
    if (!YAJL_IS_ARRAY(arr))
      return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
    io->weight_device = calloc(arr->u.array.len + 1, sizeof *io->weight_device);
    for (size_t i = 0; i < arr->u.array.len; i++) {
      yajl_val e = arr->u.array.values[i];
      size_t o2 = jr_push_index(r, i);
      oci_blkio_weight_device *d = &io->weight_device[i];
      io->n_weight_device = i + 1;
      if (jr_object(r, e) < 0 || jr_i64(r, e, "major", true, INT64_MIN, INT64_MAX, &d->major, NULL) < 0 ||
          jr_i64(r, e, "minor", true, INT64_MIN, INT64_MAX, &d->minor, NULL) < 0 ||
          jr_u64(r, e, "weight", false, UINT16_MAX, &w, &d->has_weight) < 0)
        return -1;
      d->weight = (uint16_t)w;
      if (jr_u64(r, e, "leafWeight", false, UINT16_MAX, &w, &d->has_leaf_weight) < 0)
        return -1;
      d->leaf_weight = (uint16_t)w;
      jr_pop(r, o2);
    }
    jr_pop(r, old);
  }
  return parse_throttle(r, b, "throttleReadBpsDevice", &io->throttle_read_bps, &io->n_throttle_read_bps) < 0 ||
                 parse_throttle(r, b, "throttleWriteBpsDevice", &io->throttle_write_bps,
                                &io->n_throttle_write_bps) < 0 ||
                 parse_throttle(r, b, "throttleReadIOPSDevice", &io->throttle_read_iops,
                                &io->n_throttle_read_iops) < 0 ||
                 parse_throttle(r, b, "throttleWriteIOPSDevice", &io->throttle_write_iops,
                                &io->n_throttle_write_iops) < 0
             ? -1
             : 0;
}

static bool valid_page_size(const char *s) {
  if (*s < '1' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static int parse_arrays(jr *r, yajl_val v, oci_resources *res) {
  yajl_val arr = jr_get(v, "devices");
  if (arr) {
    size_t old = jr_push_key(r, "devices");
    if (!YAJL_IS_ARRAY(arr))
      return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
    res->devices = calloc(arr->u.array.len + 1, sizeof *res->devices);
    for (size_t i = 0; i < arr->u.array.len; i++) {
      yajl_val e = arr->u.array.values[i];
      size_t o2 = jr_push_index(r, i);
      oci_device_cgroup *d = &res->devices[i];
      res->n_devices = i + 1;
      bool has_allow = false;
      if (jr_object(r, e) < 0 || jr_bool(r, e, "allow", &d->allow, &has_allow) < 0)
        return -1;
      if (!has_allow) {
        jr_push_key(r, "allow");
        return jr_fail(r, "missing required field");
      }
      if (jr_str(r, e, "type", false, &d->type) < 0 ||
          jr_i64(r, e, "major", false, INT64_MIN, INT64_MAX, &d->major, &d->has_major) < 0 ||
          jr_i64(r, e, "minor", false, INT64_MIN, INT64_MAX, &d->minor, &d->has_minor) < 0 ||
          jr_str(r, e, "access", false, &d->access) < 0)
        return -1;
      jr_pop(r, o2);
    }
    jr_pop(r, old);
  }
  arr = jr_get(v, "hugepageLimits");
  if (arr) {
    size_t old = jr_push_key(r, "hugepageLimits");
    if (!YAJL_IS_ARRAY(arr))
      return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
    res->hugepage_limits = calloc(arr->u.array.len + 1, sizeof *res->hugepage_limits);
    for (size_t i = 0; i < arr->u.array.len; i++) {
      yajl_val e = arr->u.array.values[i];
      size_t o2 = jr_push_index(r, i);
      oci_hugepage_limit *h = &res->hugepage_limits[i];
      res->n_hugepage_limits = i + 1;
      if (jr_object(r, e) < 0 || jr_str(r, e, "pageSize", true, &h->page_size) < 0 ||
          jr_u64(r, e, "limit", true, UINT64_MAX, &h->limit, NULL) < 0)
        return -1;
      if (!valid_page_size(h->page_size)) {
        jr_push_key(r, "pageSize");
        return jr_fail(r, "invalid page size \"%s\" (expected e.g. 2MB, 1GB)", h->page_size);
      }
      jr_pop(r, o2);
    }
    jr_pop(r, old);
  }
  return 0;
}

int parse_resources_object(jr *r, yajl_val v, oci_resources *res) {
  if (jr_object(r, v) < 0 || parse_arrays(r, v, res) < 0 || jr_map(r, v, "unified", &res->unified) < 0)
    return -1;
  yajl_val x;
  size_t old = 0;
  int s;
  if ((s = sub(r, v, "memory", &x, &old)) < 0)
    return -1;
  if (s) {
    res->memory = calloc(1, sizeof *res->memory);
    if (parse_memory(r, x, res->memory) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((s = sub(r, v, "cpu", &x, &old)) < 0)
    return -1;
  if (s) {
    res->cpu = calloc(1, sizeof *res->cpu);
    if (parse_cpu(r, x, res->cpu) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((s = sub(r, v, "pids", &x, &old)) < 0)
    return -1;
  if (s) {
    if (jr_i64(r, x, "limit", true, INT64_MIN, INT64_MAX, &res->pids_limit, NULL) < 0)
      return -1;
    res->has_pids = true;
    jr_pop(r, old);
  }
  if ((s = sub(r, v, "blockIO", &x, &old)) < 0)
    return -1;
  if (s) {
    res->block_io = calloc(1, sizeof *res->block_io);
    if (parse_blkio(r, x, res->block_io) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((s = sub(r, v, "network", &x, &old)) < 0)
    return -1;
  if (s) {
    oci_network *n = res->network = calloc(1, sizeof *n);
    if (JR_U32(r, x, "classID", false, &n->class_id, &n->has_class_id) < 0)
      return -1;
    yajl_val arr = jr_get(x, "priorities");
    if (arr) {
      size_t o1 = jr_push_key(r, "priorities");
      if (!YAJL_IS_ARRAY(arr))
        return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
      n->priorities = calloc(arr->u.array.len + 1, sizeof *n->priorities);
      for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val e = arr->u.array.values[i];
        size_t o2 = jr_push_index(r, i);
        n->n_priorities = i + 1;
        if (jr_object(r, e) < 0 || jr_str(r, e, "name", true, &n->priorities[i].name) < 0 ||
            JR_U32(r, e, "priority", true, &n->priorities[i].priority, NULL) < 0)
          return -1;
        jr_pop(r, o2);
      }
      jr_pop(r, o1);
    }
    jr_pop(r, old);
  }
  if ((s = sub(r, v, "rdma", &x, &old)) < 0)
    return -1;
  if (s) {
    res->rdma = calloc(x->u.object.len + 1, sizeof *res->rdma);
    for (size_t i = 0; i < x->u.object.len; i++) {
      oci_rdma *d = &res->rdma[i];
      res->n_rdma = i + 1;
      d->device = strdup(x->u.object.keys[i]);
      yajl_val e = x->u.object.values[i];
      size_t o2 = jr_push_key(r, x->u.object.keys[i]);
      if (jr_object(r, e) < 0 || JR_U32(r, e, "hcaHandles", false, &d->hca_handles, &d->has_hca_handles) < 0 ||
          JR_U32(r, e, "hcaObjects", false, &d->hca_objects, &d->has_hca_objects) < 0)
        return -1;
      jr_pop(r, o2);
    }
    jr_pop(r, old);
  }
  return 0;
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
  if (res->block_io) {
    free(res->block_io->weight_device);
    free(res->block_io->throttle_read_bps);
    free(res->block_io->throttle_write_bps);
    free(res->block_io->throttle_read_iops);
    free(res->block_io->throttle_write_iops);
    free(res->block_io);
  }
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    free(res->hugepage_limits[i].page_size);
  free(res->hugepage_limits);
  if (res->network) {
    for (size_t i = 0; i < res->network->n_priorities; i++)
      free(res->network->priorities[i].name);
    free(res->network->priorities);
    free(res->network);
  }
  for (size_t i = 0; i < res->n_rdma; i++)
    free(res->rdma[i].device);
  free(res->rdma);
  jr_map_free(&res->unified);
}
