/* rt: the container lifecycle (runtime.md), independent of the command line. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
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
  enum rt_create_mode mode;
};

/* create / run. For RT_MODE_RUN returns the exit status to exit with (>= 0);
 * otherwise 0. Negative on error, with err filled and nothing left behind. */
int container_create(const struct rt_create_opts *o, rt_error *err);
int container_start(const char *root, const char *id, rt_error *err);
int container_kill(const char *root, const char *id, int sig, bool all, rt_error *err);
int container_delete(const char *root, const char *id, bool force, rt_error *err);

/* "KILL", "SIGKILL", "9" -> 9; -1 when unknown. */
int signal_parse(const char *s);

/* An existing container, opened and locked (shared or exclusive). */
struct existing {
  int rootfd;
  int dirfd;
  rt_state st;
  enum rt_status status;
};
int existing_open(const char *root, const char *id, bool exclusive, struct existing *ex,
                  rt_error *err);
void existing_close(struct existing *ex);
/* A pidfd of the container's init, only while it is still the process rt
 * started (start time checked against the state); -1 otherwise. */
int init_pidfd(const rt_state *st);
/* The config.json saved in the state directory at create time. */
oci_config *saved_config(int dirfd);

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
