/* The last steps of any container process, the init or an exec'd one: drop
 * privileges in the spec's order and execve the user's program. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

struct finalize_opts {
  int preserve_fds;       /* fds 3..3+n-1 stay open */
  int listen_fds;         /* LISTEN_FDS to pass on (counted in preserve_fds) */
  const char *state_json; /* for a seccomp notify listener */
  bool exec_affinity;     /* rt exec: process.execCPUAffinity.final applies */
  /* Run last, after the seccomp filter, right before the execve (the
   * init's startContainer hooks); NULL for none. */
  int (*before_execve)(void *arg, rt_error *err);
  void *before_execve_arg;
};

/* c supplies the container-wide settings (seccomp), p the process. Returns
 * only on failure. */
int finalize_exec(const oci_config *c, const oci_process *p, const char *exe,
                          const struct finalize_opts *f, rt_error *err);
