/* rt: the library's interface. Everything the command line (src/cmd/,
 * src/rt.c) asks of the runtime goes through this header: the lifecycle of
 * runtime.md (create, start, kill, delete), exec, the queries (state,
 * list, ps, events) and the operations on a container's cgroup (pause,
 * resume, update). The types it shares are the state store's (state.h)
 * and the config's (libocispec/oci_config.h). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "rt_features.h"
#include "state.h"
#include "util/error.h"

enum rt_create_mode {
  RT_MODE_CREATE,     /* rt create: the init waits on exec.fifo for rt start */
  RT_MODE_RUN,        /* rt run: start at once, wait, delete */
  RT_MODE_RUN_DETACH, /* rt run --detach: start at once and return */
};

struct rt_create_opts {
  const char *root; /* --root */
  const char *id;
  const char *bundle; /* as given; made absolute */
  const char *console_socket;
  const char *pid_file;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool keep; /* run --keep */
  bool systemd_cgroup; /* --systemd-cgroup */
  bool rootless;       /* --rootless: a cgroup rt may not create is done without */
  bool no_subreaper;   /* restore --no-subreaper */
  enum rt_create_mode mode;
  const struct rt_criu_opts *restore; /* rt restore: from these images, not a new init */
};

/* create / run. For RT_MODE_RUN returns the exit status to exit with (>= 0);
 * otherwise 0. Negative on error, with err filled and nothing left behind. */
int container_create(const struct rt_create_opts *o, rt_error *err);
int container_start(const char *root, const char *id, rt_error *err);
int container_kill(const char *root, const char *id, int sig, bool all, rt_error *err);
int container_delete(const char *root, const char *id, bool force, rt_error *err);

struct rt_exec_opts {
  const char *root;
  const char *id;
  const char *process_file; /* --process */
  char **args;              /* the command, when no --process */
  int nargs;
  const char *console_socket;
  const char *cwd;
  char **env; /* -e KEY=VALUE, appended */
  int nenv;
  const char *user; /* uid[:gid] */
  uint32_t *additional_gids;
  int n_additional_gids;
  char **caps; /* --cap, added */
  int ncaps;
  const char *process_label;
  const char *apparmor;
  const char *pid_file;
  const char *cgroup;
  bool tty;
  bool tty_given;
  bool detach;
  bool no_new_privs;
  bool ignore_paused;
  int preserve_fds;
};
/* Run a process in a container. Returns its exit status in the foreground,
 * 0 detached, negative on error. */
int container_exec(const struct rt_exec_opts *o, rt_error *err);

/* ---- checkpoint and restore (CRIU) ---- */

/* The options of rt checkpoint and rt restore (runc's); the ones a command
 * does not have stay 0 / NULL. */
struct rt_criu_opts {
  const char *image_path;  /* default ./checkpoint */
  const char *work_path;   /* default: the image path */
  const char *parent_path; /* checkpoint: previous (pre-dump) images, relative to image_path */
  const char *manage_cgroups_mode; /* soft (default) full strict ignore */
  const char *empty_ns;            /* "network" */
  const char *page_server;         /* ADDRESS:PORT */
  int status_fd;                   /* -1: none */
  bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, pre_dump, auto_dedup,
      lazy_pages;
};
/* rt checkpoint: dump ROOT/ID's processes into the image directory; unless
 * leave_running or pre_dump, the container is then deleted as runc does. */
int container_checkpoint(const char *root, const char *id, const struct rt_criu_opts *c,
                         rt_error *err);
/* rt restore: a new container o->id from o->bundle, its processes restored
 * from o->restore's images; o->mode RT_MODE_RUN or RT_MODE_RUN_DETACH. The
 * result as container_create's. */
int container_restore(const struct rt_create_opts *o, rt_error *err);

/* ---- queries ---- */

/* rt state: the state of ROOT/ID and its live status (runtime.md "State").
 * Never waits for another command once state.json exists. st is filled
 * (rt_state_free it) on success. */
int container_state(const char *root, const char *id, rt_state *st, enum rt_status *status,
                    rt_error *err);

/* rt list: every container under ROOT that has a state, sorted by id; one
 * that cannot be read is skipped with a warning. */
struct container_entry {
  rt_state st;
  enum rt_status status;
};
int container_list(const char *root, struct container_entry **entries, size_t *n, rt_error *err);
void container_list_free(struct container_entry *entries, size_t n);

/* rt ps: the pids in the container's cgroup (none when it is stopped);
 * *pids malloc'd. */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, rt_error *err);

/* rt events: runc's event lines ({"type":"stats"|"oom","id":ID,...}), each
 * given to emit. once: one stats event; otherwise stats every interval_ms
 * and OOM events as they happen, until the container stops. */
typedef void (*container_event_emit)(const char *line, void *arg);
int container_events(const char *root, const char *id, long long interval_ms, bool once,
                     container_event_emit emit, void *arg, rt_error *err);

/* ---- the cgroup of a running container ---- */

/* rt pause / rt resume: freeze or thaw every process of the container. */
int container_pause(const char *root, const char *id, rt_error *err);
int container_resume(const char *root, const char *id, rt_error *err);
/* rt update: apply resources to the container's cgroup. */
int container_update(const char *root, const char *id, const oci_resources *r, rt_error *err);
/* A linux.resources object read from FILE ("-": stdin); NULL on error. */
oci_resources *container_resources_read(const char *file, rt_error *err);

/* ---- the runtime process itself (rt.c's main) ---- */

/* Whether rt runs in a user namespace other than the host's. */
bool container_runtime_in_userns(void);
/* Before a command that starts a process in a container: make sure rt runs
 * from a binary that cannot be written through /proc/self/exe
 * (CVE-2019-5736, linux/exeseal.h). May re-exec rt. */
int container_runtime_seal(char **argv, rt_error *err);
/* At the start of main: forget the re-exec marker of container_runtime_seal. */
void container_runtime_seal_forget(void);
