/* rt: the container lifecycle (runtime.md), independent of the command line. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

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
