/* Hooks (config.md "POSIX-platform Hooks"): each runs with the container's
 * state on stdin, in order; a timeout kills it. */
#pragma once
#include "libocispec/oci_config.h"
#include "util/error.h"

/* kind is the config name ("createRuntime") used in messages. */
int hooks_run(const oci_hook_list *list, const char *kind, const char *state_json, rt_error *err);
/* Every hook of the list even when some fail (poststop): each failure is
 * logged as a warning. Returns the number that failed. */
int hooks_run_all(const oci_hook_list *list, const char *kind, const char *state_json);
