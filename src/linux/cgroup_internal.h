/* rt: what the cgroup files share; not for use outside src/linux/cgroup*.c
 * (and the unit test). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "util/error.h"

/* Marks a directory rt created; destroy removes only marked directories. */
#define CGROUP_XATTR "trusted.rt.created"
#define CGROUP_XATTR_USER "user.rt.created"

/* One mounted v1 hierarchy. */
struct cgroup_hier {
  char *mnt;   /* "/sys/fs/cgroup/cpu" */
  char *ctrls; /* its controllers, comma separated: "cpu,cpuacct", "name=systemd" */
};

struct cgroup_layout {
  int mode; /* enum cgroup_mode */
  struct cgroup_hier *v1;
  size_t n_v1;
  char *unified; /* the cgroup2 mount (v2, hybrid) or NULL */
};

/* The host's layout (detected once). */
const struct cgroup_layout *cgroup_layout_get(rt_error *err);
/* Tests: use `l` instead of the host's layout (NULL: back to the host's). */
void cgroup_layout_override(const struct cgroup_layout *l);
/* Mountpoint of the v1 hierarchy that carries controller `ctrl` ("memory",
 * "name=systemd"), NULL when there is none. */
const char *cgroup_v1_mount(const struct cgroup_layout *l, const char *ctrl);

/* How an apply names what it writes: "config.json: .linux.resources.memory.limit". */
struct cgroup_ctx {
  const struct cgroup_layout *l;
  const char *rel; /* the container's cgroup path, "/a/b" */
  const char *src; /* "config.json: " at create, "" for update */
  bool update;
  rt_error *err;
};

/* Write `value` to dir/file. On error: "SRC.linux.resources.FIELD: write VALUE
 * to DIR/FILE: strerror". */
int cgroup_write(const struct cgroup_ctx *x, const char *dir, const char *file, const char *value,
             const char *field);
/* Same with a printf-formatted value. */
int cgroup_writef(const struct cgroup_ctx *x, const char *dir, const char *file, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Write r's rdma limits, "DEV hca_handle=N hca_object=M", to dir/rdma.max
 * (v1 and v2 alike), field "rdma.DEV". */
int cgroup_write_rdma(const struct cgroup_ctx *x, const char *dir, const oci_resources *r);
/* An error about a field that the host cannot honour. */
int cgroup_fail(const struct cgroup_ctx *x, int errnum, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool cgroup_file_exists(const char *dir, const char *file);
/* Read dir/file (trailing newline removed); malloc'd, NULL on error (errno set). */
char *cgroup_read_file(const char *dir, const char *file);
/* Read a number ("max" gives UINT64_MAX); -1 when missing. */
int cgroup_read_u64(const char *dir, const char *file, uint64_t *v);
/* "mnt" + "rel", malloc'd. */
char *cgroup_path_join(const char *mnt, const char *rel);

/* mkdir -p mnt+rel, marking each directory it makes. */
int cgroup_mkdir_p(const char *mnt, const char *rel, rt_error *err);
/* Remove mnt+rel (its sub-cgroups first) when rt made it, then every empty
 * ancestor rt made. Missing is fine. */
int cgroup_remove(const char *mnt, const char *rel, rt_error *err);
/* cgroup_destroy_unfinished: directories made after `since` (NULL: none)
 * count as rt's even without the mark (a create killed between mkdir and
 * mark). */
void cgroup_unfinished_since(const struct timespec *since);
/* Every mount of the layout: one per v1 hierarchy, plus the unified one. */
size_t cgroup_layout_mounts(const struct cgroup_layout *l, const char **out, size_t max);
/* The directories of the cgroup rel (sub: rt exec --cgroup's
 * "ctrl:name,..." or "name") opened into a, for the child to enter. */
int cgroup_attach_dirs(const struct cgroup_layout *l, const char *rel, const char *sub,
                   struct cgroup_attach *a, rt_error *err);
/* The error of a pid that could not be moved into dir (v2: explains a
 * "domain invalid" cgroup). */
int cgroup_v2_join_error(const char *dir, pid_t pid, rt_error *err);

/* Whether rt made the directory (xattr present; also true when the file
 * system has no xattrs, as runc removes what it joins). */
bool cgroup_is_ours(const char *dir);

/* The device rules applied at create: the config's, then runc's defaults
 * (malloc'd array, strings borrowed from r). */
oci_device_cgroup *cgroup_create_rules(const oci_resources *r, size_t *n);

/* v1: apply every resource into the per-controller directories of x->rel. */
int cgroup_v1_apply(const struct cgroup_ctx *x, const oci_resources *r);
/* v1: a new cpuset directory starts empty; copy cpus and mems from the parent. */
int cgroup_v1_cpuset_init(const char *mnt, const char *rel, rt_error *err);

/* v2: enable the controllers `r` needs (an error naming the field when one
 * is missing), and every available one too when all_available, in the
 * cgroup.subtree_control of each ancestor from the root to mnt+rel's parent. */
int cgroup_v2_enable(const struct cgroup_ctx *x, const char *mnt, const oci_resources *r,
                 bool all_available);
/* v2: apply every resource to mnt+rel. */
int cgroup_v2_apply(const struct cgroup_ctx *x, const char *mnt, const oci_resources *r);
/* Hybrid: the parts of `r` that only the unified hierarchy can take. */
int cgroup_v2_apply_hugetlb(const struct cgroup_ctx *x, const char *dir, const oci_resources *r);
int cgroup_v2_apply_unified(const struct cgroup_ctx *x, const char *dir, const oci_map *u);
/* The controller of a unified key ("memory.max" -> "memory"), malloc'd. */
char *cgroup_unified_controller(const char *key);

/* v2 devices: build the eBPF program from the rules, load it, attach it to
 * dir (replacing what rt attached before). */
int cgroup_devices_bpf_apply(const struct cgroup_ctx *x, const char *dir, const oci_device_cgroup *rules,
                         size_t n);
/* Build the program (instructions, 8 bytes each) only; malloc'd. */
int cgroup_devices_bpf_build(const oci_device_cgroup *rules, size_t n, void **insns, size_t *n_insns,
                         rt_error *err);

/* systemd: parse "slice:prefix:name" to the unit name and the cgroup path. */
int cgroup_systemd_names(const char *cgroups_path, const char *id, char **unit, char **slice,
                     char **rel, rt_error *err);
/* Start a transient scope (or slice) for pid; *rel is its cgroup path. */
int cgroup_systemd_start(const oci_config *c, const char *id, pid_t pid, char **rel, rt_error *err);
/* Stop the unit whose cgroup is rel; missing units are fine. */
int cgroup_systemd_stop(const char *rel, rt_error *err);
/* Set the properties of the unit for r (best effort after the cgroupfs writes). */
int cgroup_systemd_update(const char *rel, const oci_resources *r, rt_error *err);
