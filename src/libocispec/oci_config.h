/* rt: the OCI runtime-spec v1.3.0 config.json as C structs.
 *
 * Conventions:
 *  - strings are malloc'd, NULL when absent;
 *  - arrays are a pointer plus a count (`n_xxx`); string arrays (args, env,
 *    options, ...) are also NULL-terminated, and non-NULL when given as [];
 *  - optional scalars have a `has_xxx` flag;
 *  - string maps (annotations, sysctl, unified) are oci_map;
 *  - everything is freed by oci_config_free();
 *  - a JSON null counts as absent, unknown members and other platforms'
 *    sections are ignored, and of repeated keys the last one wins;
 *  - the parser checks types, ranges, enums and patterns of the schema, the
 *    REQUIRED fields, absolute paths where the spec says MUST, and duplicated
 *    namespaces and rlimits; checks that need the kernel are the caller's.
 * libocispec only reads files; it never makes another syscall. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/cleanup.h"
#include "util/error.h"

typedef struct oci_map {
  char **keys;
  char **values;
  size_t n;
} oci_map;

typedef struct oci_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct oci_mount {
  char *destination; /* required */
  char *source;
  char *type;
  char **options;
  size_t n_options;
  oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
} oci_mount;

typedef struct oci_hook {
  char *path; /* required */
  char **args;
  size_t n_args;
  char **env;
  size_t n_env;
  bool has_timeout;
  int timeout; /* seconds, >= 1 */
} oci_hook;

typedef struct oci_hook_list {
  oci_hook *hooks;
  size_t n;
} oci_hook_list;

typedef struct oci_hooks {
  oci_hook_list prestart; /* deprecated, still run */
  oci_hook_list create_runtime;
  oci_hook_list create_container;
  oci_hook_list start_container;
  oci_hook_list poststart;
  oci_hook_list poststop;
} oci_hooks;

typedef struct oci_rlimit {
  char *type; /* "RLIMIT_NOFILE" ... */
  uint64_t soft;
  uint64_t hard;
} oci_rlimit;

typedef struct oci_capabilities {
  /* NULL arrays with has_xxx=false mean "not given" (an empty set when given as []). */
  bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
  char **bounding;
  size_t n_bounding;
  char **effective;
  size_t n_effective;
  char **inheritable;
  size_t n_inheritable;
  char **permitted;
  size_t n_permitted;
  char **ambient;
  size_t n_ambient;
} oci_capabilities;

typedef struct oci_user {
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* Windows only; kept, unused */
} oci_user;

typedef struct oci_scheduler {
  char *policy; /* required: SCHED_OTHER, ... */
  bool has_nice, has_priority, has_runtime, has_deadline, has_period;
  int32_t nice;
  int32_t priority;
  char **flags;
  size_t n_flags;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
} oci_scheduler;

typedef struct oci_io_priority {
  char *class_; /* required: IOPRIO_CLASS_RT|BE|IDLE */
  int32_t priority;
} oci_io_priority;

typedef struct oci_process {
  bool terminal;
  bool has_console_size;
  uint64_t console_height;
  uint64_t console_width;
  oci_user user;
  char **args;
  size_t n_args;
  char *command_line; /* Windows only */
  char **env;
  size_t n_env;
  char *cwd; /* required */
  oci_capabilities *capabilities; /* NULL when absent */
  oci_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *selinux_label;
  oci_scheduler *scheduler;     /* NULL when absent */
  oci_io_priority *io_priority; /* NULL when absent */
  char *exec_cpu_affinity_initial;
  char *exec_cpu_affinity_final;
} oci_process;

typedef struct oci_root {
  char *path; /* required */
  bool readonly;
} oci_root;

typedef struct oci_namespace {
  char *type; /* mount pid network uts ipc user cgroup time */
  char *path; /* NULL for a new namespace (also when given as "") */
} oci_namespace;

typedef struct oci_device {
  char *type; /* c b u p */
  char *path;
  bool has_major, has_minor, has_file_mode, has_uid, has_gid;
  int64_t major;
  int64_t minor;
  uint32_t file_mode;
  uint32_t uid;
  uint32_t gid;
} oci_device;

typedef struct oci_device_cgroup {
  bool allow;
  char *type; /* a c b, NULL = all */
  bool has_major, has_minor;
  int64_t major; /* absent = wildcard */
  int64_t minor;
  char *access; /* rwm */
} oci_device_cgroup;

typedef struct oci_memory {
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
  bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
  int64_t limit;
  int64_t reservation;
  int64_t swap;
  int64_t kernel;
  int64_t kernel_tcp;
  uint64_t swappiness;
  bool disable_oom_killer;
  bool use_hierarchy;
  bool check_before_update;
} oci_memory;

typedef struct oci_cpu {
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
      has_realtime_period, has_idle;
  uint64_t shares;
  int64_t quota;
  uint64_t burst;
  uint64_t period;
  int64_t realtime_runtime;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
} oci_cpu;

typedef struct oci_blkio_weight_device {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight;
  uint16_t leaf_weight;
} oci_blkio_weight_device;

typedef struct oci_blkio_throttle_device {
  int64_t major, minor;
  uint64_t rate;
} oci_blkio_throttle_device;

typedef struct oci_blkio {
  bool has_weight, has_leaf_weight;
  uint16_t weight;
  uint16_t leaf_weight;
  oci_blkio_weight_device *weight_device;
  size_t n_weight_device;
  oci_blkio_throttle_device *throttle_read_bps;
  size_t n_throttle_read_bps;
  oci_blkio_throttle_device *throttle_write_bps;
  size_t n_throttle_write_bps;
  oci_blkio_throttle_device *throttle_read_iops;
  size_t n_throttle_read_iops;
  oci_blkio_throttle_device *throttle_write_iops;
  size_t n_throttle_write_iops;
} oci_blkio;

typedef struct oci_hugepage_limit {
  char *page_size; /* "2MB" */
  uint64_t limit;
} oci_hugepage_limit;

typedef struct oci_net_priority {
  char *name;
  uint32_t priority;
} oci_net_priority;

typedef struct oci_network {
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t n_priorities;
} oci_network;

typedef struct oci_rdma {
  char *device; /* the map key */
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles;
  uint32_t hca_objects;
} oci_rdma;

typedef struct oci_resources {
  oci_device_cgroup *devices;
  size_t n_devices;
  oci_memory *memory; /* NULL when absent */
  oci_cpu *cpu;
  bool has_pids;
  int64_t pids_limit;
  oci_blkio *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  oci_network *network;
  oci_rdma *rdma;
  size_t n_rdma;
  oci_map unified;
} oci_resources;

typedef struct oci_seccomp_arg {
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  char *op; /* SCMP_CMP_* */
} oci_seccomp_arg;

typedef struct oci_seccomp_syscall {
  char **names;
  size_t n_names;
  char *action;
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t n_args;
} oci_seccomp_syscall;

typedef struct oci_seccomp {
  char *default_action; /* required */
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  size_t n_architectures;
  char **flags;
  size_t n_flags;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t n_syscalls;
} oci_seccomp;

typedef struct oci_intel_rdt {
  char *clos_id;
  char **schemata;
  size_t n_schemata;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct oci_memory_policy {
  char *mode; /* MPOL_* */
  char *nodes;
  char **flags;
  size_t n_flags;
} oci_memory_policy;

typedef struct oci_personality {
  char *domain; /* LINUX, LINUX32 */
  char **flags;
  size_t n_flags;
} oci_personality;

typedef struct oci_time_offset {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct oci_net_device {
  char *host_name; /* the map key */
  char *name;      /* new name in the container, NULL = keep */
} oci_net_device;

typedef struct oci_linux {
  oci_namespace *namespaces;
  size_t n_namespaces;
  oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  oci_time_offset time_boottime;
  oci_time_offset time_monotonic;
  oci_device *devices;
  size_t n_devices;
  oci_net_device *net_devices;
  size_t n_net_devices;
  char *cgroups_path;
  oci_resources *resources; /* NULL when absent */
  char *rootfs_propagation; /* NULL when absent or "" */
  oci_seccomp *seccomp; /* NULL when absent */
  oci_map sysctl;
  char **masked_paths;
  size_t n_masked_paths;
  bool has_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
  bool has_readonly_paths;
  char *mount_label;
  oci_intel_rdt *intel_rdt;
  oci_memory_policy *memory_policy;
  oci_personality *personality;
} oci_linux;

typedef struct oci_config {
  char *oci_version; /* required */
  oci_root *root;    /* required on Linux */
  oci_mount *mounts;
  size_t n_mounts;
  oci_process *process; /* optional for create: then start is an error */
  char *hostname;
  char *domainname;
  oci_hooks hooks;
  oci_map annotations;
  oci_linux *linux_; /* NULL when absent */
} oci_config;

/* Parse config.json text. `name` (e.g. "config.json") prefixes error
 * messages, which name the JSON path: "config.json: .process.cwd: expected a
 * string, got an integer". Returns NULL on error with err filled. */
oci_config *oci_config_parse_data(const char *data, size_t len, const char *name, rt_error *err);
/* Read and parse a file. */
oci_config *oci_config_parse_file(const char *path, rt_error *err);
void oci_config_free(oci_config *c);

/* A process.json (config.md's process object) for `exec --process`. */
oci_process *oci_process_parse_data(const char *data, size_t len, const char *name, rt_error *err);
oci_process *oci_process_parse_file(const char *path, rt_error *err);
void oci_process_free(oci_process *p);

/* A resources.json (config-linux.md's linux.resources object) for `update -r`. */
oci_resources *oci_resources_parse_data(const char *data, size_t len, const char *name,
                                        rt_error *err);
void oci_resources_free(oci_resources *r);

/* _cleanup_oci_config_ and friends (util/cleanup.h). */
RT_DEFINE_PTR_CLEANUP(oci_config, oci_config_free)
RT_DEFINE_PTR_CLEANUP(oci_process, oci_process_free)
RT_DEFINE_PTR_CLEANUP(oci_resources, oci_resources_free)
#define _cleanup_oci_config_ _cleanup_(oci_config_freep)
#define _cleanup_oci_process_ _cleanup_(oci_process_freep)
#define _cleanup_oci_resources_ _cleanup_(oci_resources_freep)

/* Lookup in a string map; NULL when absent. */
const char *oci_map_get(const oci_map *m, const char *key);
