/* rt: the state store. One directory per container under --root:
 *   ROOT/ID/state.json   the saved state (written atomically: tmp + rename)
 *   ROOT/ID/config.json  the bundle's config as it was at create time
 *   ROOT/ID/exec.fifo    present while the container is `created`
 * Commands on one container serialize with flock() on the directory. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

enum rt_status {
  RT_STATUS_CREATING = 0,
  RT_STATUS_CREATED,
  RT_STATUS_RUNNING,
  RT_STATUS_PAUSED,
  RT_STATUS_STOPPED,
};

typedef struct rt_state {
  char *id;
  char *bundle;  /* absolute */
  char *rootfs;  /* absolute */
  pid_t pid;     /* container init, 0 before it exists */
  unsigned long long pid_start; /* /proc/PID/stat starttime, guards against pid reuse */
  char *created; /* RFC 3339 with nanoseconds, UTC */
  char *owner;   /* "" as runc */
  oci_map annotations;
  bool systemd_cgroup;
  char *cgroup_path; /* as resolved at create time, NULL if none */
  bool created_status; /* true while waiting for start (mirrors exec.fifo) */
  /* While `rt create` is still at work: its pid and start time. The state is
   * written early (with the cgroup it is about to make, then the init's
   * pid), so that whenever rt dies, `rt list` shows the container and
   * `rt delete --force` finds everything to remove. 0 once created. */
  pid_t creator;
  unsigned long long creator_start;
} rt_state;

/* Container ids follow runc: ^[\w+\-.]+$ and never "." or "..". */
int rt_state_id_validate(const char *id, rt_error *err);

/* Open (creating with mode 0700 if needed) the --root directory. */
int rt_state_root_open(const char *root, rt_error *err);
/* A new container's directory under a private name (tmp), locked, mode
 * 0711; error "container with id ID already exists". Returns a dir fd.
 * rt_state_dir_publish renames it to ID once it is filled. */
int rt_state_dir_create(int rootfd, const char *id, char tmp[static 64], rt_error *err);
int rt_state_dir_publish(int rootfd, const char *tmp, const char *id, rt_error *err);
/* Open ROOT/ID; error "container ID does not exist". Returns a dir fd. */
int rt_state_dir_open(int rootfd, const char *id, rt_error *err);
/* flock the directory (LOCK_EX or LOCK_SH); blocks. */
int rt_state_lock(int dirfd, bool exclusive, rt_error *err);
/* flock without blocking: 1 when locked, 0 when another process holds a
 * conflicting lock, negative on error. */
int rt_state_try_lock(int dirfd, bool exclusive, rt_error *err);
/* The container ids under the --root directory (directories with a valid id
 * as name), sorted; *ids is a NULL-terminated malloc'd array (NULL when none). */
int rt_state_list_ids(int rootfd, char ***ids, size_t *n, rt_error *err);
/* Remove ROOT/ID and everything in it. */
int rt_state_dir_remove(int rootfd, const char *id, rt_error *err);

int rt_state_write(int dirfd, const rt_state *st, rt_error *err);
int rt_state_read(int dirfd, rt_state *st, rt_error *err);
void rt_state_free(rt_state *st);

/* The live status: stopped when the process is gone, a zombie, or its start
 * time differs from the saved one (pid reuse), whatever the saved state says. */
enum rt_status rt_state_status(int dirfd, const rt_state *st);
const char *rt_state_status_name(enum rt_status s);

/* The state document of runtime.md (plus runc's rootfs, created, owner),
 * malloc'd JSON text. */
char *rt_state_to_json(const rt_state *st, enum rt_status status, bool pretty);

/* Read /proc/PID/stat: start time (field 22) and state letter. */
int rt_state_pid_stat(pid_t pid, unsigned long long *start_time, char *state_letter);
