/* rt: the systemd cgroup driver (--systemd-cgroup). cgroupsPath is
 * "slice:prefix:name"; rt asks systemd (D-Bus, sd-bus) for a transient scope
 * "prefix-name.scope" in the slice with the container's pid, Delegate=yes and
 * the main limits as unit properties, as runc does; the cgroupfs code then
 * writes every resource into the scope's cgroup. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-bus.h>
#endif

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/dl.h"
#include "util/log.h"

#define SYSTEMD_RUNNING "/run/systemd/system"

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". */
static char *expand_slice(const char *slice) {
  if (strcmp(slice, "-.slice") == 0)
    return strdup("");
  if (!ends_with(slice, ".slice") || strchr(slice, '/') || slice[0] == '-')
    return NULL;
  size_t base_len = strlen(slice) - strlen(".slice");
  if (base_len == 0 || strstr(slice, "--") || slice[base_len - 1] == '-')
    return NULL;
  size_t cap = (base_len + 8) * (base_len + 8) + 1;
  char *out = calloc(1, cap);
  if (!out)
    return NULL;
  for (size_t i = 0; i <= base_len; i++) {
    if (i == base_len || slice[i] == '-') {
      size_t n = strlen(out);
      snprintf(out + n, cap - n, "/%.*s.slice", (int)i, slice);
    }
  }
  return out;
}

int cgroup_systemd_names(const char *cgroups_path, const char *id, char **unit, char **slice,
                     char **rel, rt_error *err) {
  *unit = *slice = *rel = NULL;
  _cleanup_free_ char *s = NULL, *prefix = NULL, *name = NULL;
  if (!cgroups_path || !*cgroups_path) {
    s = strdup("system.slice");
    prefix = strdup("rt");
    name = strdup(id);
  } else {
    const char *a = strchr(cgroups_path, ':'), *b = a ? strchr(a + 1, ':') : NULL;
    if (!a || !b || strchr(b + 1, ':'))
      return rt_error_set(err, 0,
                          "config.json: .linux.cgroupsPath: \"%s\": the systemd cgroup driver "
                          "expects \"slice:prefix:name\"",
                          cgroups_path);
    s = strndup(cgroups_path, (size_t)(a - cgroups_path));
    prefix = strndup(a + 1, (size_t)(b - a - 1));
    name = strdup(b + 1);
  }
  if (!s || !prefix || !name)
    return rt_error_set(err, ENOMEM, "cgroup path");
  if (!*s) {
    free(s);
    s = strdup("system.slice");
  }
  if (!*name || strchr(name, '/') || strchr(prefix, '/'))
    return rt_error_set(err, 0, "config.json: .linux.cgroupsPath: \"%s\": invalid unit name",
                        cgroups_path);
  _cleanup_free_ char *parent = s ? expand_slice(s) : NULL;
  if (!parent)
    return rt_error_set(err, 0, "config.json: .linux.cgroupsPath: \"%s\": invalid slice",
                        s ? s : "");
  int r;
  if (ends_with(name, ".slice")) {
    /* A slice of its own: its cgroup follows from its name alone. */
    *unit = strdup(name);
    char *own = expand_slice(name);
    if (!own)
      return rt_error_set(err, 0, "config.json: .linux.cgroupsPath: \"%s\": invalid slice", name);
    *rel = own;
    r = *unit ? 0 : -1;
  } else {
    r = *prefix ? asprintf(unit, "%s-%s.scope", prefix, name) : asprintf(unit, "%s.scope", name);
    if (r >= 0)
      r = asprintf(rel, "%s/%s", parent, *unit);
  }
  *slice = TAKE_PTR(s);
  if (r < 0)
    return rt_error_set(err, ENOMEM, "cgroup path");
  return 0;
}

static int systemd_running(rt_error *err) {
  if (access(SYSTEMD_RUNNING, F_OK) < 0)
    return rt_error_set(err, 0, "systemd is not running (no %s)", SYSTEMD_RUNNING);
  return 0;
}

#ifdef HAVE_SYSTEMD

/* libsystemd (and the libgcrypt, liblzma, libzstd, liblz4 it pulls in) is
 * loaded only for --systemd-cgroup (util/dl.h); the names below call
 * through the loaded table. */
static struct {
  __typeof__(sd_bus_open_system) *sd_bus_open_system;
  __typeof__(sd_bus_flush_close_unref) *sd_bus_flush_close_unref;
  __typeof__(sd_bus_message_unref) *sd_bus_message_unref;
  __typeof__(sd_bus_slot_unref) *sd_bus_slot_unref;
  __typeof__(sd_bus_message_append) *sd_bus_message_append;
  __typeof__(sd_bus_message_new_method_call) *sd_bus_message_new_method_call;
  __typeof__(sd_bus_message_read) *sd_bus_message_read;
  __typeof__(sd_bus_message_open_container) *sd_bus_message_open_container;
  __typeof__(sd_bus_message_close_container) *sd_bus_message_close_container;
  __typeof__(sd_bus_error_free) *sd_bus_error_free;
  __typeof__(sd_bus_call) *sd_bus_call;
  __typeof__(sd_bus_wait) *sd_bus_wait;
  __typeof__(sd_bus_process) *sd_bus_process;
  __typeof__(sd_bus_match_signal) *sd_bus_match_signal;
  __typeof__(sd_bus_call_method) *sd_bus_call_method;
  __typeof__(sd_bus_message_append_array) *sd_bus_message_append_array;
} sdb;

static const struct rt_dl_sym sdb_syms[] = {
    RT_DL_SYM(sdb, sd_bus_open_system),
    RT_DL_SYM(sdb, sd_bus_flush_close_unref),
    RT_DL_SYM(sdb, sd_bus_message_unref),
    RT_DL_SYM(sdb, sd_bus_slot_unref),
    RT_DL_SYM(sdb, sd_bus_message_append),
    RT_DL_SYM(sdb, sd_bus_message_new_method_call),
    RT_DL_SYM(sdb, sd_bus_message_read),
    RT_DL_SYM(sdb, sd_bus_message_open_container),
    RT_DL_SYM(sdb, sd_bus_message_close_container),
    RT_DL_SYM(sdb, sd_bus_error_free),
    RT_DL_SYM(sdb, sd_bus_call),
    RT_DL_SYM(sdb, sd_bus_wait),
    RT_DL_SYM(sdb, sd_bus_process),
    RT_DL_SYM(sdb, sd_bus_match_signal),
    RT_DL_SYM(sdb, sd_bus_call_method),
    RT_DL_SYM(sdb, sd_bus_message_append_array),
};

static struct rt_dl_lib sdb_lib = {"libsystemd.so.0", sdb_syms,
                                   sizeof sdb_syms / sizeof sdb_syms[0], 0, ""};

#define sd_bus_open_system (*sdb.sd_bus_open_system)
#define sd_bus_flush_close_unref (*sdb.sd_bus_flush_close_unref)
#define sd_bus_message_unref (*sdb.sd_bus_message_unref)
#define sd_bus_slot_unref (*sdb.sd_bus_slot_unref)
#define sd_bus_message_append (*sdb.sd_bus_message_append)
#define sd_bus_message_new_method_call (*sdb.sd_bus_message_new_method_call)
#define sd_bus_message_read (*sdb.sd_bus_message_read)
#define sd_bus_message_open_container (*sdb.sd_bus_message_open_container)
#define sd_bus_message_close_container (*sdb.sd_bus_message_close_container)
#define sd_bus_error_free (*sdb.sd_bus_error_free)
#define sd_bus_call (*sdb.sd_bus_call)
#define sd_bus_wait (*sdb.sd_bus_wait)
#define sd_bus_process (*sdb.sd_bus_process)
#define sd_bus_match_signal (*sdb.sd_bus_match_signal)
#define sd_bus_call_method (*sdb.sd_bus_call_method)
#define sd_bus_message_append_array (*sdb.sd_bus_message_append_array)

static void bus_unrefp(sd_bus **b) {
  if (*b)
    sd_bus_flush_close_unref(*b);
}
static void msg_unrefp(sd_bus_message **m) {
  if (*m)
    sd_bus_message_unref(*m);
}
static void slot_unrefp(sd_bus_slot **s) {
  if (*s)
    sd_bus_slot_unref(*s);
}
#define _cleanup_bus_ _cleanup_(bus_unrefp)
#define _cleanup_msg_ _cleanup_(msg_unrefp)
#define _cleanup_slot_ _cleanup_(slot_unrefp)

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* runc rounds the quota per second up to whole 10 ms (systemd's granularity). */
static uint64_t quota_per_sec(int64_t quota, uint64_t period) {
  uint64_t q = (uint64_t)quota * 1000000ULL / period;
  if (q % 10000)
    q = (q / 10000 + 1) * 10000;
  return q;
}

/* "0-3,7" as systemd's CPU or NUMA-node bitmask (byte i, bit j: 8i+j). */
static int list_to_mask(const char *list, uint8_t *mask, size_t cap, size_t *len) {
  memset(mask, 0, cap);
  *len = 0;
  const char *p = list;
  while (*p) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      return -1;
    if (*end == '-') {
      p = end + 1;
      b = strtoul(p, &end, 10);
      if (end == p || b < a)
        return -1;
    }
    if (b >= cap * 8)
      return -1;
    for (unsigned long i = a; i <= b; i++)
      mask[i / 8] |= (uint8_t)(1u << (i % 8));
    if (b / 8 + 1 > *len)
      *len = b / 8 + 1;
    if (*end == ',')
      end++;
    else if (*end)
      return -1;
    p = end;
  }
  return 0;
}

static int append_mask(sd_bus_message *m, const char *name, const char *list) {
  uint8_t mask[128];
  size_t len;
  if (list_to_mask(list, mask, sizeof mask, &len) < 0)
    return 0; /* the cgroupfs code names the field with the error */
  int r = sd_bus_message_open_container(m, 'r', "sv");
  if (r >= 0)
    r = sd_bus_message_append(m, "s", name);
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'v', "ay");
  if (r >= 0)
    r = sd_bus_message_append_array(m, 'y', mask, len);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  return r;
}

/* linux.resources.unified keys that systemd has a property for (runc's
 * list): systemd would otherwise put them back to its own value on its next
 * reload or property change. The cgroupfs code writes every key anyway. */
static int append_unified(sd_bus_message *m, const oci_map *u) {
  static const struct {
    const char *key, *prop;
  } map[] = {{"memory.high", "MemoryHigh"}, {"memory.low", "MemoryLow"},
             {"memory.min", "MemoryMin"},   {"memory.max", "MemoryMax"},
             {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
             {"cpu.weight", "CPUWeight"},   {"io.weight", "IOWeight"}};
  int ret = 0;
  for (size_t i = 0; ret >= 0 && i < u->n; i++)
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
      if (strcmp(u->keys[i], map[k].key) != 0)
        continue;
      const char *v = u->values[i];
      char *end = NULL;
      uint64_t n = strcmp(v, "max") == 0 ? UINT64_MAX : strtoull(v, &end, 10);
      /* io.weight may be "default 100": only plain numbers are passed on. */
      if (n != UINT64_MAX && (!end || end == v || *end))
        break;
      ret = sd_bus_message_append(m, "(sv)", map[k].prop, "t", n);
      break;
    }
  return ret;
}

/* The limits systemd itself knows, as unit properties, so that systemd
 * (on a daemon-reload, say) sets what rt set, not its defaults. */
static int append_limits(sd_bus_message *m, const oci_resources *r, bool v2) {
  int ret = 0;
  if (!r)
    return 0;
  const oci_memory *mem = r->memory;
  if (mem && mem->has_limit && mem->limit != 0)
    ret = sd_bus_message_append(m, "(sv)", v2 ? "MemoryMax" : "MemoryLimit", "t",
                                mem->limit < 0 ? UINT64_MAX : (uint64_t)mem->limit);
  if (ret >= 0 && v2 && mem && mem->has_reservation && mem->reservation != 0)
    ret = sd_bus_message_append(m, "(sv)", "MemoryLow", "t",
                                mem->reservation < 0 ? UINT64_MAX : (uint64_t)mem->reservation);
  /* v2's swap is swap alone; the spec's is memory+swap (as runc converts). */
  if (ret >= 0 && v2 && mem && mem->has_swap && mem->swap != 0) {
    uint64_t sw = UINT64_MAX;
    if (mem->swap > 0 && mem->has_limit && mem->limit > 0 && mem->swap >= mem->limit)
      sw = (uint64_t)(mem->swap - mem->limit);
    if (mem->swap < 0 || (mem->has_limit && mem->limit > 0))
      ret = sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", sw);
  }
  const oci_cpu *c = r->cpu;
  if (ret >= 0 && c && c->has_shares && c->shares)
    ret = v2 ? sd_bus_message_append(m, "(sv)", "CPUWeight", "t", cgroup_shares_to_weight(c->shares))
             : sd_bus_message_append(m, "(sv)", "CPUShares", "t", c->shares);
  if (ret >= 0 && c && c->has_period && c->period)
    ret = sd_bus_message_append(m, "(sv)", "CPUQuotaPeriodUSec", "t", c->period);
  if (ret >= 0 && c && c->has_quota && c->quota != 0) {
    uint64_t period = c->has_period && c->period ? c->period : 100000;
    ret = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
                                c->quota < 0 ? UINT64_MAX : quota_per_sec(c->quota, period));
  }
  if (ret >= 0 && c && c->cpus && *c->cpus)
    ret = append_mask(m, "AllowedCPUs", c->cpus);
  if (ret >= 0 && c && c->mems && *c->mems)
    ret = append_mask(m, "AllowedMemoryNodes", c->mems);
  const oci_blkio *b = r->block_io;
  if (ret >= 0 && b && b->has_weight && b->weight)
    ret = v2 ? sd_bus_message_append(m, "(sv)", "IOWeight", "t",
                                     cgroup_blkio_to_io_weight(b->weight))
             : sd_bus_message_append(m, "(sv)", "BlockIOWeight", "t", (uint64_t)b->weight);
  if (ret >= 0 && r->has_pids)
    ret = sd_bus_message_append(m, "(sv)", "TasksMax", "t",
                                r->pids_limit < 0 ? UINT64_MAX : (uint64_t)r->pids_limit);
  if (ret >= 0 && v2)
    ret = append_unified(m, &r->unified);
  return ret;
}

/* The name /proc/devices gives a character (or block) major, for
 * systemd's "char-NAME"; NULL when it has none. */
static char *major_name(bool block, int64_t major) {
  _cleanup_fclose_ FILE *f = fopen("/proc/devices", "re");
  char line[256];
  bool in = false;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "Character devices:", 18) == 0)
      in = !block;
    else if (strncmp(line, "Block devices:", 14) == 0)
      in = block;
    else if (in) {
      char name[128];
      long maj;
      if (sscanf(line, "%ld %127s", &maj, name) == 2 && maj == major)
        return strdup(name);
    }
  }
  return NULL;
}

/* One device rule as a DeviceAllow entry; 0 when it has none (e.g. a
 * major /proc/devices does not name). */
static int append_device_allow(sd_bus_message *m, const char *type, const oci_device_cgroup *d) {
  bool block = type[0] == 'b';
  char path[300], perms[4] = "";
  const char *acc = d->access && *d->access ? d->access : "rwm";
  size_t k = 0;
  for (const char *p = "rwm"; *p; p++)
    if (strchr(acc, *p))
      perms[k++] = *p;
  perms[k] = '\0';
  if (!d->has_major || d->major < 0) {
    snprintf(path, sizeof path, "%s-*", block ? "block" : "char");
  } else if (!d->has_minor || d->minor < 0) {
    _cleanup_free_ char *name = major_name(block, d->major);
    if (!name) {
      log_warn("systemd: device rule %s %lld:* has no name in /proc/devices; left to the "
               "cgroup's own rules",
               type, (long long)d->major);
      return 0;
    }
    snprintf(path, sizeof path, "%s-%s", block ? "block" : "char", name);
  } else {
    snprintf(path, sizeof path, "/dev/%s/%lld:%lld", block ? "block" : "char",
             (long long)d->major, (long long)d->minor);
  }
  return sd_bus_message_append(m, "(ss)", path, perms);
}

/* DevicePolicy and DeviceAllow from the device rules (the config's, then
 * runc's defaults): without them systemd would open every device of the
 * scope again on its next reload (its default policy, "auto"). systemd
 * knows allow lists only: the rules after the last "deny all" become one;
 * a later deny of one device drops an equal allow, others are left to the
 * cgroup's own rules (written by rt after the scope exists), as runc does. */
static int append_devices(sd_bus_message *m, const oci_resources *given) {
  size_t n = 0;
  _cleanup_free_ oci_device_cgroup *rules = cgroup_create_rules(given, &n);
  if (!rules)
    return -ENOMEM;
  size_t start = 0;
  bool all_allowed = true;
  for (size_t i = 0; i < n; i++) {
    const oci_device_cgroup *d = &rules[i];
    bool wild = (!d->type || !strcmp(d->type, "a")) && !d->has_major && !d->has_minor;
    if (wild) {
      all_allowed = d->allow;
      start = i + 1;
    }
  }
  if (all_allowed)
    return sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "auto");
  int r = sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "strict");
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'r', "sv");
  if (r >= 0)
    r = sd_bus_message_append(m, "s", "DeviceAllow");
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'v', "a(ss)");
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'a', "(ss)");
  for (size_t i = start; r >= 0 && i < n; i++) {
    const oci_device_cgroup *d = &rules[i];
    if (!d->allow)
      continue;
    bool dropped = false;
    for (size_t k = i + 1; k < n && !dropped; k++)
      dropped = !rules[k].allow && rules[k].has_major == d->has_major &&
                rules[k].major == d->major && rules[k].has_minor == d->has_minor &&
                rules[k].minor == d->minor &&
                (!rules[k].type || !d->type || !strcmp(rules[k].type, d->type));
    if (dropped)
      continue;
    const char *t = d->type && *d->type ? d->type : "a";
    if (t[0] == 'a') {
      r = append_device_allow(m, "c", d);
      if (r >= 0)
        r = append_device_allow(m, "b", d);
    } else {
      r = append_device_allow(m, t, d);
    }
  }
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  return r;
}

static int append_properties(sd_bus_message *m, const char *id, const char *slice, bool scope,
                             pid_t pid, const oci_resources *r, bool v2) {
  char desc[300];
  snprintf(desc, sizeof desc, "rt container %s", id);
  int ret = sd_bus_message_open_container(m, 'a', "(sv)");
  if (ret >= 0)
    ret = sd_bus_message_append(m, "(sv)", "Description", "s", desc);
  if (ret >= 0 && scope)
    ret = sd_bus_message_append(m, "(sv)", "Slice", "s", slice);
  if (ret >= 0 && scope)
    ret = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
  /* Delegation is for scopes (and services) only: systemd refuses it for
   * a slice ("Delegation not available for unit type"), as runc knows. */
  if (ret >= 0 && scope)
    ret = sd_bus_message_append(m, "(sv)", "Delegate", "b", 1);
  if (ret >= 0)
    ret = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "DefaultDependencies", "b", 0,
                                "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
                                "TasksAccounting", "b", 1);
  if (ret >= 0)
    ret = sd_bus_message_append(m, "(sv)", v2 ? "IOAccounting" : "BlockIOAccounting", "b", 1);
  if (ret >= 0)
    ret = append_limits(m, r, v2);
  if (ret >= 0)
    ret = append_devices(m, r);
  if (ret >= 0)
    ret = sd_bus_message_close_container(m);
  return ret;
}

struct job_wait {
  const char *path;
  char result[32];
  bool done;
};

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *e) {
  struct job_wait *w = data;
  uint32_t id;
  const char *path, *unit, *result;
  if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (strcmp(path, w->path) == 0) {
    snprintf(w->result, sizeof w->result, "%s", result);
    w->done = true;
  }
  return 0;
}

/* Wait (30 s at most) for the job to end; its result must be "done". */
static int wait_job(sd_bus *bus, struct job_wait *w, const char *unit, rt_error *err) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!w->done) {
    int r = sd_bus_process(bus, NULL);
    if (r < 0)
      return rt_error_set(err, -r, "systemd: wait for the job of %s", unit);
    if (r > 0)
      continue;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 30)
      return rt_error_set(err, ETIMEDOUT, "systemd: the job of %s", unit);
    r = sd_bus_wait(bus, 1000000);
    if (r < 0)
      return rt_error_set(err, -r, "systemd: wait for the job of %s", unit);
  }
  if (strcmp(w->result, "done") != 0)
    return rt_error_set(err, 0, "systemd: the job of %s ended with \"%s\"", unit, w->result);
  return 0;
}

static int bus_open(sd_bus **bus, rt_error *err) {
  if (rt_dl_load(&sdb_lib, err) < 0)
    return rt_error_prefix(err, "systemd cgroup driver");
  int r = sd_bus_open_system(bus);
  if (r < 0)
    return rt_error_set(err, -r, "systemd: connect to the system bus");
  return 0;
}

static int call_job(sd_bus *bus, sd_bus_message *m, const char *unit, const char *what,
                    rt_error *err) {
  _cleanup_slot_ sd_bus_slot *slot = NULL;
  struct job_wait w = {0};
  int r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                              on_job_removed, &w);
  if (r < 0)
    return rt_error_set(err, -r, "systemd: watch jobs");
  sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
  sd_bus_error e = SD_BUS_ERROR_NULL;
  _cleanup_msg_ sd_bus_message *reply = NULL;
  r = sd_bus_call(bus, m, 0, &e, &reply);
  if (r < 0) {
    int ret = rt_error_set(err, 0, "systemd: %s %s: %s", what, unit, e.message ? e.message : strerror(-r));
    sd_bus_error_free(&e);
    return ret;
  }
  const char *job;
  if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
    return rt_error_set(err, -r, "systemd: %s %s: reply", what, unit);
  w.path = job;
  return wait_job(bus, &w, unit, err);
}

int cgroup_systemd_start(const oci_config *c, const char *id, pid_t pid, char **rel, rt_error *err) {
  *rel = NULL;
  if (systemd_running(err) < 0)
    return -1;
  const char *cp = c && c->linux_ ? c->linux_->cgroups_path : NULL;
  _cleanup_free_ char *unit = NULL, *slice = NULL, *path = NULL;
  if (cgroup_systemd_names(cp, id, &unit, &slice, &path, err) < 0)
    return -1;
  _cleanup_bus_ sd_bus *bus = NULL;
  if (bus_open(&bus, err) < 0)
    return -1;
  _cleanup_msg_ sd_bus_message *m = NULL;
  int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                         "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", unit, "replace");
  if (r >= 0)
    r = append_properties(m, id, slice, ends_with(unit, ".scope"), pid,
                          c && c->linux_ ? c->linux_->resources : NULL,
                          cgroup_mode(NULL) == CGROUP_MODE_V2);
  if (r >= 0)
    r = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (r < 0)
    return rt_error_set(err, -r, "systemd: build StartTransientUnit for %s", unit);
  if (call_job(bus, m, unit, "start", err) < 0)
    return rt_error_prefix(err, "config.json: .linux.cgroupsPath \"%s\"", cp ? cp : "");
  *rel = TAKE_PTR(path);
  return 0;
}

static const char *unit_of(const char *rel) {
  const char *s = strrchr(rel, '/');
  s = s ? s + 1 : rel;
  return ends_with(s, ".scope") || ends_with(s, ".slice") ? s : NULL;
}

int cgroup_systemd_stop(const char *rel, rt_error *err) {
  const char *unit = unit_of(rel);
  if (!unit || access(SYSTEMD_RUNNING, F_OK) < 0)
    return 0;
  _cleanup_bus_ sd_bus *bus = NULL;
  if (bus_open(&bus, err) < 0)
    return -1;
  _cleanup_msg_ sd_bus_message *m = NULL;
  int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", unit, "replace");
  if (r < 0)
    return rt_error_set(err, -r, "systemd: build StopUnit for %s", unit);
  rt_error e;
  if (call_job(bus, m, unit, "stop", &e) < 0) {
    if (strstr(e.msg, "not loaded") || strstr(e.msg, "NoSuchUnit"))
      return 0;
    *err = e;
    return -1;
  }
  return 0;
}

int cgroup_systemd_update(const char *rel, const oci_resources *r, rt_error *err) {
  const char *unit = unit_of(rel);
  if (!unit || !r || systemd_running(err) < 0)
    return unit && r ? -1 : 0;
  _cleanup_bus_ sd_bus *bus = NULL;
  if (bus_open(&bus, err) < 0)
    return -1;
  _cleanup_msg_ sd_bus_message *m = NULL;
  int ret = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                           "SetUnitProperties");
  if (ret >= 0)
    ret = sd_bus_message_append(m, "sb", unit, 1);
  if (ret >= 0)
    ret = sd_bus_message_open_container(m, 'a', "(sv)");
  if (ret >= 0)
    ret = append_limits(m, r, cgroup_mode(NULL) == CGROUP_MODE_V2);
  if (ret >= 0)
    ret = sd_bus_message_close_container(m);
  if (ret < 0)
    return rt_error_set(err, -ret, "systemd: build SetUnitProperties for %s", unit);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  ret = sd_bus_call(bus, m, 0, &e, NULL);
  if (ret < 0) {
    rt_error_set(err, 0, "systemd: set properties of %s: %s", unit,
                 e.message ? e.message : strerror(-ret));
    sd_bus_error_free(&e);
    return -1;
  }
  return 0;
}

#else /* !HAVE_SYSTEMD */

int cgroup_systemd_start(const oci_config *c, const char *id, pid_t pid, char **rel, rt_error *err) {
  *rel = NULL;
  if (systemd_running(err) < 0)
    return -1;
  return rt_error_set(err, 0, "rt was built without systemd support (--systemd-cgroup)");
}

int cgroup_systemd_stop(const char *rel, rt_error *err) {
  return 0;
}

int cgroup_systemd_update(const char *rel, const oci_resources *r, rt_error *err) {
  return 0;
}

#endif
