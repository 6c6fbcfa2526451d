/* Shared by the library's files (container*.c, exec.c); not part of its
 * interface (container.h). */
#pragma once

#include <stdbool.h>

#include "container.h"
#include "libocispec/oci_config.h"
#include "state.h"

/* The largest config.json rt reads. */
#define CONFIG_MAX (64 << 20)

/* The state document of st with status s (runtime.md "State"); malloc'd. */
char *container_state_json(const rt_state *st, enum rt_status s);
/* poststop: a failing hook is a warning and the others still run
 * (config.md, lifecycle step 13). */
void container_run_poststop(const oci_config *c, const rt_state *st);

/* An existing container, opened and locked (shared or exclusive); the
 * helpers of every command that works on one (container_ops.c). */
struct container_handle {
  int rootfd;
  int dirfd;
  rt_state st;
  enum rt_status status;
};
int container_open(const char *root, const char *id, bool exclusive, struct container_handle *ex,
                  rt_error *err);
void container_close(struct container_handle *ex);
/* A pidfd of the container's init, only while it is still the process rt
 * started (start time checked against the state); -1 otherwise. */
int container_init_pidfd(const rt_state *st);
/* The config.json saved in the state directory at create time. */
oci_config *container_saved_config(int dirfd);

