/* rt: control groups. One module for the host's three layouts: cgroup v1
 * (one hierarchy per controller), hybrid (v1 controllers plus cgroup2 at
 * /sys/fs/cgroup/unified) and unified v2; and two drivers: cgroupfs (rt makes
 * the directories) and systemd (a transient scope through D-Bus).
 *
 * A container's cgroup is named by one path relative to the root of every
 * hierarchy (e.g. "/rt/abc"); that path is what the state stores. Directories
 * rt creates carry an extended attribute so that destroy never removes a
 * cgroup rt did not make. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* Create the container's cgroup(s) for linux.cgroupsPath, apply
 * linux.resources, and move pid into it. cgroupsPath: absolute (under the
 * root of each hierarchy), relative (under the root too), or empty ("/<id>");
 * with systemd "slice:prefix:name" (empty: "system.slice:rt:<id>").
 * *path_out (malloc'd) is the cgroup path to keep in the state. On error
 * nothing is left behind. */
int cgroup_enter(const oci_config *c, const char *id, bool systemd, pid_t pid, char **path_out,
                 rt_error *err);
/* Entering a cgroup without the kernel's slow path. Moving another process
 * (its pid written to cgroup.procs) takes the global
 * cgroup_threadgroup_rwsem for writing, which first waits for an RCU grace
 * period: 10 to 15 ms on this machine, for every create and every exec. So
 * rt opens what a new process needs to enter by itself instead:
 *  - the cgroup2 directory (v2, and hybrid's unified hierarchy), for clone3
 *    with CLONE_INTO_CGROUP: the process is born inside;
 *  - each v1 hierarchy's "tasks" file: the new process, still single-
 *    threaded, writes "0" to it, which moves only the calling thread and
 *    skips that lock. The kernel checks the permission of whoever opened
 *    the file (rt), so this works from inside a new user namespace too. */
struct cgroup_attach {
  int into_fd;      /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
  char *into_dir;   /* its path (messages, the fallback) */
  int *task_fds;    /* v1 "tasks" files, O_WRONLY */
  char **task_dirs; /* their directories (messages) */
  size_t n_tasks;
};
#define CGROUP_ATTACH_INIT {.into_fd = -1}

/* Create the container's cgroup(s) (cgroupfs driver), apply linux.resources
 * and fill *a for the container's init to enter them; like cgroup_enter, but
 * before the process exists. On error nothing is left behind. */
int cgroup_create(const oci_config *c, const char *id, char **path_out, struct cgroup_attach *a,
                  rt_error *err);
/* The path cgroup_create will make for this config (cgroupfs driver), for
 * the state written before it does; malloc'd, NULL on ENOMEM. */
char *cgroup_planned_path(const oci_config *c, const char *id);
/* *a for a new process to enter an existing container cgroup (rt exec); sub
 * as for cgroup_join. */
int cgroup_attach_open(const char *path, const char *sub, struct cgroup_attach *a, rt_error *err);
/* In the new process: enter the v1 hierarchies (write "0" to each tasks
 * file); the fds are closed. The cgroup2 part was clone3's. */
int cgroup_attach_self(struct cgroup_attach *a, rt_error *err);
/* When clone3 could not take CLONE_INTO_CGROUP: move pid into the cgroup2
 * directory the old way. */
int cgroup_attach_pid_v2(const struct cgroup_attach *a, pid_t pid, rt_error *err);
void cgroup_attach_close(struct cgroup_attach *a);

/* Move pid into the container's existing cgroup (rt exec). sub NULL: the
 * cgroup itself in every hierarchy; "name": path/name in every hierarchy;
 * "ctrl[,ctrl]:name": path/name for those v1 controllers only (runc's
 * exec --cgroup; on v2 the controllers are ignored). */
int cgroup_join(const char *path, const char *sub, pid_t pid, rt_error *err);
/* config-linux.md "Cgroup ownership": whether the container's cgroup is to
 * be delegated (cgroup v2, a new cgroup namespace, /sys/fs/cgroup mounted
 * read-write from "cgroup"), and the delegation: the directory and the files
 * of /sys/kernel/cgroup/delegate (those that exist) chowned to uid:gid. */
bool cgroup_wants_delegation(const oci_config *c);
int cgroup_delegate(const char *path, uid_t uid, gid_t gid, rt_error *err);
/* Kill what is left inside (SIGKILL, wait until empty) and remove the
 * cgroup(s) cgroup_enter made; a cgroup rt did not create is left alone (and
 * its processes too). A path that is already gone is not an error. */
int cgroup_destroy(const char *path, bool systemd, rt_error *err);
/* The same for a create that died on the way: a directory without rt's mark
 * made at or after `since` (the create's start) is taken as rt's too (the
 * create was killed between its mkdir and the mark). */
struct timespec;
int cgroup_destroy_unfinished(const char *path, bool systemd, const struct timespec *since,
                              rt_error *err);
/* Every pid inside the cgroup and its descendants; *pids malloc'd. */
int cgroup_pids(const char *path, pid_t **pids, size_t *n, rt_error *err);
/* Pause (freezer.state FROZEN on v1, cgroup.freeze 1 on v2) and resume;
 * returns once the kernel reports the cgroup frozen (or thawed). */
int cgroup_freeze(const char *path, bool freeze, rt_error *err);
/* 1 frozen, 0 not, negative errno (e.g. -ENOENT when the cgroup is gone). */
int cgroup_is_frozen(const char *path);
/* Apply a resources object to an existing cgroup ("rt update"). Error
 * messages name the field as ".linux.resources.memory.limit". */
int cgroup_update(const char *path, bool systemd, const oci_resources *r, rt_error *err);

/* The host's layout, detected once from /sys/fs/cgroup and mountinfo. */
enum cgroup_mode { CGROUP_MODE_V1 = 1, CGROUP_MODE_HYBRID, CGROUP_MODE_V2 };
int cgroup_mode(rt_error *err);
const char *cgroup_mode_name(int mode);

/* Stats as runc's "events" data object (JSON, malloc'd): cpu, cpuset,
 * memory, pids, blkio, hugetlb. */
int cgroup_stats_json(const char *path, char **json, rt_error *err);

/* OOM notifications: v1 memory.oom_control through cgroup.event_control and
 * an eventfd; v2 inotify on memory.events. fd is pollable (POLLIN). */
typedef struct cgroup_oom_watch {
  int fd;        /* eventfd (v1) or inotify (v2): poll it */
  int aux_fd;    /* v1: memory.oom_control, kept open while registered */
  bool v2;
  char *dir;     /* the memory cgroup directory */
  uint64_t last; /* v2: last oom_kill count of memory.events */
} cgroup_oom_watch;
int cgroup_oom_watch_open(const char *path, cgroup_oom_watch *w, rt_error *err);
/* After POLLIN: the number of new OOM events (0 when spurious), negative on
 * error; -ENOENT once the cgroup is gone. */
int cgroup_oom_watch_read(cgroup_oom_watch *w);
void cgroup_oom_watch_close(cgroup_oom_watch *w);

/* Conversions as runc does them (exposed for the tests). */
uint64_t cgroup_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_to_io_weight(uint64_t blkio_weight);
