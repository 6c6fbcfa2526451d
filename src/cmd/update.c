/* rt update: change the resources of a running container (runc's flags, or
 * a linux.resources object from a file or stdin). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "container.h"

/* "-1", "1024", "512k", "100m", "1g", "2GB": bytes (runc's RAMInBytes, base 1024). */
static int parse_bytes(const char *s, int64_t *out) {
  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0)
    return -1;
  int64_t mul = 1;
  switch (tolower((unsigned char)*end)) {
  case '\0': break;
  case 'b': mul = 1; break;
  case 'k': mul = 1LL << 10; break;
  case 'm': mul = 1LL << 20; break;
  case 'g': mul = 1LL << 30; break;
  case 't': mul = 1LL << 40; break;
  case 'p': mul = 1LL << 50; break;
  default: return -1;
  }
  if (*end) {
    end++;
    if (tolower((unsigned char)*end) == 'i')
      end++;
    if (tolower((unsigned char)*end) == 'b' && mul > 1)
      end++;
    if (*end)
      return -1;
  }
  if (v * (double)mul > 9.2e18)
    return -1;
  *out = (int64_t)(v * (double)mul);
  return 0;
}

static int parse_i64(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

static int parse_u64(const char *s, uint64_t *out) {
  int64_t v;
  if (parse_i64(s, &v) < 0 || v < 0)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

enum {
  OPT_BLKIO_WEIGHT = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARES,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_MEMORY,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_PIDS_LIMIT,
  OPT_CPU_BURST,
  OPT_CPU_IDLE,
  OPT_L3_CACHE,
  OPT_MEM_BW,
};

/* The resources given by flags, in storage that lives as long as the command. */
struct flags {
  oci_resources r;
  oci_memory mem;
  oci_cpu cpu;
  oci_blkio blk;
  const char *file;
};

static int set_flag(struct flags *f, int opt, const char *arg) {
  int64_t i;
  uint64_t u;
  switch (opt) {
  case OPT_BLKIO_WEIGHT:
    if (parse_u64(arg, &u) < 0 || u > 1000)
      return -1;
    f->blk.has_weight = true;
    f->blk.weight = (uint16_t)u;
    f->r.block_io = &f->blk;
    return 0;
  case OPT_CPU_PERIOD:
    if (parse_u64(arg, &f->cpu.period) < 0)
      return -1;
    f->cpu.has_period = true;
    break;
  case OPT_CPU_QUOTA:
    if (parse_i64(arg, &f->cpu.quota) < 0)
      return -1;
    f->cpu.has_quota = true;
    break;
  case OPT_CPU_SHARES:
    if (parse_u64(arg, &f->cpu.shares) < 0)
      return -1;
    f->cpu.has_shares = true;
    break;
  case OPT_CPU_BURST:
    if (parse_u64(arg, &f->cpu.burst) < 0)
      return -1;
    f->cpu.has_burst = true;
    break;
  case OPT_CPU_IDLE:
    if (parse_i64(arg, &f->cpu.idle) < 0 || f->cpu.idle < 0 || f->cpu.idle > 1)
      return -1;
    f->cpu.has_idle = true;
    break;
  case OPT_CPU_RT_PERIOD:
    if (parse_u64(arg, &f->cpu.realtime_period) < 0)
      return -1;
    f->cpu.has_realtime_period = true;
    break;
  case OPT_CPU_RT_RUNTIME:
    if (parse_i64(arg, &f->cpu.realtime_runtime) < 0)
      return -1;
    f->cpu.has_realtime_runtime = true;
    break;
  case OPT_CPUSET_CPUS: f->cpu.cpus = (char *)arg; break;
  case OPT_CPUSET_MEMS: f->cpu.mems = (char *)arg; break;
  case OPT_PIDS_LIMIT:
    if (parse_i64(arg, &i) < 0)
      return -1;
    f->r.has_pids = true;
    f->r.pids_limit = i;
    return 0;
  default:
    if (parse_bytes(arg, &i) < 0)
      return -1;
    f->r.memory = &f->mem;
    if (opt == OPT_MEMORY)
      f->mem.has_limit = true, f->mem.limit = i;
    else if (opt == OPT_MEMORY_RESERVATION)
      f->mem.has_reservation = true, f->mem.reservation = i;
    else if (opt == OPT_MEMORY_SWAP)
      f->mem.has_swap = true, f->mem.swap = i;
    else if (opt == OPT_KERNEL_MEMORY)
      f->mem.has_kernel = true, f->mem.kernel = i;
    else
      f->mem.has_kernel_tcp = true, f->mem.kernel_tcp = i;
    return 0;
  }
  f->r.cpu = &f->cpu;
  return 0;
}

static const struct option update_opts[] = {
    {"resources", required_argument, NULL, 'r'},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-share", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-burst", required_argument, NULL, OPT_CPU_BURST},
    {"cpu-idle", required_argument, NULL, OPT_CPU_IDLE},
    {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
    {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"l3-cache-schema", required_argument, NULL, OPT_L3_CACHE},
    {"mem-bw-schema", required_argument, NULL, OPT_MEM_BW},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int do_update(rt_globals *g, const char *id, const oci_resources *r) {
  rt_error err = {0};
  return container_update(g->root, id, r, &err) < 0 ? cmd_fail("%s", err.msg) : 0;
}

CMD(update) {
  struct flags f = {0};
  int c, li = -1;
  while ((c = getopt_long(argc, argv, "r:h", update_opts, &li)) != -1) {
    if (c == 'h')
      return cmd_help("update");
    if (c == 'r') {
      f.file = optarg;
    } else if (c == OPT_L3_CACHE || c == OPT_MEM_BW) {
      return cmd_fail("update: Intel RDT (%s) is not supported by rt", argv[optind - 1]);
    } else if (c == '?') {
      return cmd_usage_error("update", "flag provided but not defined: %s", argv[optind - 1]);
    } else if (set_flag(&f, c, optarg) < 0) {
      return cmd_usage_error("update", "invalid value \"%s\" for --%s", optarg,
                             li >= 0 ? update_opts[li].name : "?");
    }
    li = -1;
  }
  if (cmd_check_args("update", argc - optind, 1, 0))
    return 1;
  const char *id = argv[optind];
  if (!f.file)
    return do_update(g, id, &f.r);
  /* As runc: with -r, every other flag is ignored. */
  rt_error err = {0};
  oci_resources *r = container_resources_read(f.file, &err);
  if (!r)
    return cmd_fail("%s", err.msg);
  int ret = do_update(g, id, r);
  oci_resources_free(r);
  return ret;
}
