/* rt features: the Features structure of the runtime-spec (features.md,
 * features-linux.md), true to this build: what it recognises and implements,
 * not what the host happens to offer (except seccomp's supportedFlags, which
 * the spec defines as what kernel and libseccomp support). */
#pragma once
#include <stdbool.h>

/* NULL-terminated name lists, exposed so the unit tests can check each
 * entry against the code that must recognise it. */
extern const char *const rt_features_hooks[];
extern const char *const rt_features_mount_options[];
extern const char *const rt_features_namespaces[];
extern const char *const rt_features_mpol_modes[];
extern const char *const rt_features_mpol_flags[];

/* The capability names libcap knows ("CAP_CHOWN", ...), NULL-terminated,
 * malloc'd (free each and the array). */
char **rt_features_capabilities(void);

/* The features document as JSON text (malloc'd); pretty: indented with
 * two spaces and newline-terminated. NULL when out of memory. */
char *rt_features_json(bool pretty);
