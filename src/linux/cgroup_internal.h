/* rt: what the cgroup files share; not for use outside src/linux/cgroup*.c
 * (and the unit test). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "util/error.h"

/* Marks a directory rt created; destroy removes only marked directories. */
#define CG_XATTR "trusted.rt.created"
#define CG_XATTR_USER "user.rt.created"

/* One mounted v1 hierarchy. */
struct cg_hier {
  char *mnt;   /* "/sys/fs/cgroup/cpu" */
  char *ctrls; /* its controllers, comma separated: "cpu,cpuacct", "name=systemd" */
};

struct cg_layout {
  int mode; /* enum cgroup_mode */
  struct cg_hier *v1;
  size_t n_v1;
  char *unified; /* the cgroup2 mount (v2, hybrid) or NULL */
};

/* The host's layout (detected once). */
const struct cg_layout *cg_layout_get(rt_error *err);
/* Tests: use `l` instead of the host's layout (NULL: back to the host's). */
void cg_layout_override(const struct cg_layout *l);
/* Mountpoint of the v1 hierarchy that carries controller `ctrl` ("memory",
 * "name=systemd"), NULL when there is none. */
const char *cg_v1_mount(const struct cg_layout *l, const char *ctrl);

/* How an apply names what it writes: "config.json: .linux.resources.memory.limit". */
struct cg_ctx {
  const struct cg_layout *l;
  const char *rel; /* the container's cgroup path, "/a/b" */
  const char *src; /* "config.json: " at create, "" for update */
  bool update;
  rt_error *err;
};

/* Write `value` to dir/file. On error: "SRC.linux.resources.FIELD: write VALUE
 * to DIR/FILE: strerror". */
int cg_write(const struct cg_ctx *x, const char *dir, const char *file, const char *value,
             const char *field);
/* Same with a printf-formatted value. */
int cg_writef(const struct cg_ctx *x, const char *dir, const char *file, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Write r's rdma limits, "DEV hca_handle=N hca_object=M", to dir/rdma.max
 * (v1 and v2 alike), field "rdma.DEV". */
int cg_write_rdma(const struct cg_ctx *x, const char *dir, const oci_resources *r);
/* An error about a field that the host cannot honour. */
int cg_fail(const struct cg_ctx *x, int errnum, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool cg_file_exists(const char *dir, const char *file);
/* Read dir/file (trailing newline removed); malloc'd, NULL on error (errno set). */
char *cg_read(const char *dir, const char *file);
/* Read a number ("max" gives UINT64_MAX); -1 when missing. */
int cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* "mnt" + "rel", malloc'd. */
char *cg_join(const char *mnt, const char *rel);

/* mkdir -p mnt+rel, marking each directory it makes. */
int cg_mkdir_p(const char *mnt, const char *rel, rt_error *err);
/* Remove mnt+rel (its sub-cgroups first) when rt made it, then every empty
 * ancestor rt made. Missing is fine. */
int cg_remove(const char *mnt, const char *rel, rt_error *err);
/* Whether rt made the directory (xattr present; also true when the file
 * system has no xattrs, as runc removes what it joins). */
bool cg_is_ours(const char *dir);

/* The device rules applied at create: the config's, then runc's defaults
 * (malloc'd array, strings borrowed from r). */
oci_device_cgroup *cg_create_rules(const oci_resources *r, size_t *n);

/* v1: apply every resource into the per-controller directories of x->rel. */
int cg_v1_apply(const struct cg_ctx *x, const oci_resources *r);
/* v1: a new cpuset directory starts empty; copy cpus and mems from the parent. */
int cg_v1_cpuset_init(const char *mnt, const char *rel, rt_error *err);

/* v2: enable the controllers `r` needs (an error naming the field when one
 * is missing), and every available one too when all_available, in the
 * cgroup.subtree_control of each ancestor from the root to mnt+rel's parent. */
int cg_v2_enable(const struct cg_ctx *x, const char *mnt, const oci_resources *r,
                 bool all_available);
/* v2: apply every resource to mnt+rel. */
int cg_v2_apply(const struct cg_ctx *x, const char *mnt, const oci_resources *r);
/* Hybrid: the parts of `r` that only the unified hierarchy can take. */
int cg_v2_apply_hugetlb(const struct cg_ctx *x, const char *dir, const oci_resources *r);
int cg_v2_apply_unified(const struct cg_ctx *x, const char *dir, const oci_map *u);
/* The controller of a unified key ("memory.max" -> "memory"), malloc'd. */
char *cg_unified_controller(const char *key);

/* v2 devices: build the eBPF program from the rules, load it, attach it to
 * dir (replacing what rt attached before). */
int cg_devices_bpf_apply(const struct cg_ctx *x, const char *dir, const oci_device_cgroup *rules,
                         size_t n);
/* Build the program (instructions, 8 bytes each) only; malloc'd. */
int cg_devices_bpf_build(const oci_device_cgroup *rules, size_t n, void **insns, size_t *n_insns,
                         rt_error *err);

/* systemd: parse "slice:prefix:name" to the unit name and the cgroup path. */
int cg_systemd_names(const char *cgroups_path, const char *id, char **unit, char **slice,
                     char **rel, rt_error *err);
/* Start a transient scope (or slice) for pid; *rel is its cgroup path. */
int cg_systemd_start(const oci_config *c, const char *id, pid_t pid, char **rel, rt_error *err);
/* Stop the unit whose cgroup is rel; missing units are fine. */
int cg_systemd_stop(const char *rel, rt_error *err);
/* Set the properties of the unit for r (best effort after the cgroupfs writes). */
int cg_systemd_update(const char *rel, const oci_resources *r, rt_error *err);
