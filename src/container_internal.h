/* Shared by the library's files (container*.c, exec.c); not part of its
 * interface (container.h). */
#pragma once

#include <stdbool.h>

#include "container.h"
#include "libocispec/oci_config.h"
#include "state.h"
#include "util/cleanup.h"

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
/* Closes and frees what container_open got, also after it failed; leaves *ex
 * safe to close again (the fds -1, the state zeroed). */
void container_close(struct container_handle *ex);
#define CONTAINER_HANDLE_INIT {.rootfd = -1, .dirfd = -1}
RT_DEFINE_STRUCT_CLEANUP(struct container_handle, container_close)
#define _cleanup_container_ _cleanup_(container_closep)
/* A pidfd of the container's init, only while it is still the process rt
 * started (start time checked against the state); -1 otherwise. */
int container_init_pidfd(const rt_state *st);
/* The config.json saved in the state directory at create time. */
oci_config *container_saved_config(int dirfd);

