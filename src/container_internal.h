/* Shared by container.c (creation) and container_ops.c (start, kill,
 * delete); not part of the library's interface (container.h). */
#pragma once

#include "libocispec/oci_config.h"
#include "state.h"

/* The largest config.json rt reads. */
#define CONFIG_MAX (64 << 20)

/* The state document of st with status s (runtime.md "State"); malloc'd. */
char *container_state_json(const rt_state *st, enum rt_status s);
/* poststop: a failing hook is a warning and the others still run
 * (config.md, lifecycle step 13). */
void container_run_poststop(const oci_config *c, const rt_state *st);
